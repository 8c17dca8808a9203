using System.Globalization;
using System.Text.Json;

namespace Ccx.Dns.Patroni.Internal;

/// <summary>A member's role as Patroni reports it in <c>/cluster</c>.</summary>
internal enum PatroniMemberRole
{
    /// <summary><c>leader</c> (also <c>master</c>/<c>primary</c> of older or newer Patroni): holds the leader key, takes writes.</summary>
    Leader,

    /// <summary><c>standby_leader</c>: the head of a standby cluster, read-only, replicating from elsewhere.</summary>
    StandbyLeader,

    /// <summary>Anything else (<c>replica</c>, <c>sync_standby</c>, <c>quorum_standby</c>, …).</summary>
    Replica,
}

/// <summary>One member of a <c>/cluster</c> answer.</summary>
/// <param name="Name">The member name.</param>
/// <param name="Role">The role.</param>
/// <param name="State">The PostgreSQL state Patroni reports (<c>running</c>, <c>streaming</c>, <c>stopped</c>, …), lower case.</param>
/// <param name="Host">Where clients reach its PostgreSQL (from <c>postgresql.connect_address</c>), or null.</param>
/// <param name="ApiUrl">Its REST API URL (<c>api_url</c>), or null.</param>
/// <param name="LagBytes">Its replication lag in bytes; null when Patroni reports none or <c>unknown</c>.</param>
/// <param name="NoLoadBalance">Whether it is tagged <c>noloadbalance</c> (no read traffic).</param>
internal sealed record PatroniMember(string Name, PatroniMemberRole Role, string State, string? Host, string? ApiUrl, long? LagBytes, bool NoLoadBalance)
{
    /// <summary>Whether its PostgreSQL is up and serving (<c>running</c>, or <c>streaming</c> as newer Patroni reports replicas).</summary>
    public bool IsRunning => State is "running" or "streaming";
}

/// <summary>A parsed <c>GET /cluster</c> answer.</summary>
/// <param name="Members">The members that parsed.</param>
/// <param name="Paused">Whether the cluster is in maintenance mode (<c>"pause": true</c>).</param>
/// <param name="Skipped">One reason per member entry that could not be used.</param>
internal sealed record PatroniClusterView(IReadOnlyList<PatroniMember> Members, bool Paused, IReadOnlyList<string> Skipped)
{
    /// <summary>The leader or standby leader, or null.</summary>
    public PatroniMember? Head => Members.FirstOrDefault(m => m.Role != PatroniMemberRole.Replica);

    /// <summary>Parses a <c>/cluster</c> body.</summary>
    /// <param name="body">The UTF-8 JSON body.</param>
    /// <returns>The view.</returns>
    /// <exception cref="FormatException">The body is not a <c>/cluster</c> answer (not JSON, no <c>members</c> array, two leaders, a name twice).</exception>
    public static PatroniClusterView Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new FormatException("the body is not JSON: " + ex.Message, ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"the body is a JSON {root.ValueKind}, not an object with 'members'"));
            }

            if (!root.TryGetProperty("members", out var members) || members.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("the body has no 'members' array");
            }

            var parsed = new List<PatroniMember>();
            var skipped = new List<string>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var element in members.EnumerateArray())
            {
                var member = ParseMember(element, index, out var reason);
                if (member is null)
                {
                    skipped.Add(reason!);
                }
                else if (!names.Add(member.Name))
                {
                    throw new FormatException($"member '{member.Name}' appears more than once");
                }
                else
                {
                    parsed.Add(member);
                }

                index++;
            }

            var heads = parsed.Where(m => m.Role != PatroniMemberRole.Replica).Select(m => m.Name).ToList();
            if (heads.Count > 1)
            {
                throw new FormatException($"more than one member is a leader ({string.Join(", ", heads)})");
            }

            var paused = root.TryGetProperty("pause", out var pause) && pause.ValueKind == JsonValueKind.True;
            return new PatroniClusterView(parsed, paused, skipped);
        }
    }

    private static PatroniMember? ParseMember(JsonElement element, int index, out string? reason)
    {
        reason = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"members[{index}] is a JSON {element.ValueKind}, not an object");
            return null;
        }

        var name = String(element, "name");
        if (string.IsNullOrWhiteSpace(name))
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"members[{index}] has no 'name'");
            return null;
        }

        var roleText = String(element, "role");
        if (string.IsNullOrWhiteSpace(roleText))
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"member '{name}' has no 'role'");
            return null;
        }

#pragma warning disable CA1308 // Patroni's roles and states are lower-case words
        var role = roleText.Trim().ToLowerInvariant() switch
        {
            "leader" or "master" or "primary" => PatroniMemberRole.Leader,
            "standby_leader" => PatroniMemberRole.StandbyLeader,
            _ => PatroniMemberRole.Replica,
        };
        var state = (String(element, "state") ?? string.Empty).Trim().ToLowerInvariant();
#pragma warning restore CA1308
        var host = String(element, "host")?.Trim();
        long? lag = null;
        if (element.TryGetProperty("lag", out var lagElement) && lagElement.ValueKind == JsonValueKind.Number)
        {
            if (lagElement.TryGetInt64(out var bytes))
            {
                lag = Math.Max(0, bytes);
            }
            else if (lagElement.TryGetDouble(out var approximate) && approximate >= 0)
            {
                lag = approximate >= long.MaxValue ? long.MaxValue : (long)approximate;
            }
        }

        var noLoadBalance = element.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Object
            && tags.TryGetProperty("noloadbalance", out var flag)
            && (flag.ValueKind == JsonValueKind.True || (flag.ValueKind == JsonValueKind.String && string.Equals(flag.GetString(), "true", StringComparison.OrdinalIgnoreCase)));
        return new PatroniMember(name.Trim(), role, state, string.IsNullOrEmpty(host) ? null : host, String(element, "api_url"), lag, noLoadBalance);
    }

    private static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
