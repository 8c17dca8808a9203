using System.Text.Json;
using System.Text.Json.Serialization;
using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Planning;

/// <summary>
/// A set of changes to apply: records to create, updates as index-aligned old/new pairs, and records to
/// delete. Serialises to ExternalDNS's webhook JSON
/// (<c>{"create":[…],"updateOld":[…],"updateNew":[…],"delete":[…]}</c>).
/// </summary>
public sealed record DnsChanges
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>No changes.</summary>
    public static DnsChanges Empty { get; } = new();

    /// <summary>Records to create.</summary>
    public IReadOnlyList<DnsEndpoint> Create { get; init; } = [];

    /// <summary>The current records being updated, index-aligned with <see cref="UpdateNew"/>.</summary>
    public IReadOnlyList<DnsEndpoint> UpdateOld { get; init; } = [];

    /// <summary>The replacement records, index-aligned with <see cref="UpdateOld"/>.</summary>
    public IReadOnlyList<DnsEndpoint> UpdateNew { get; init; } = [];

    /// <summary>Records to delete.</summary>
    public IReadOnlyList<DnsEndpoint> Delete { get; init; } = [];

    /// <summary>
    /// Whether anything would change: creates or deletes exist, or some update pair differs (an update whose new
    /// and old endpoints are identical is not a change, as in ExternalDNS).
    /// </summary>
    [JsonIgnore]
    public bool HasChanges
    {
        get
        {
            if (Create.Count > 0 || Delete.Count > 0)
            {
                return true;
            }

            if (UpdateNew.Count != UpdateOld.Count)
            {
                return true;
            }

            for (var i = 0; i < UpdateNew.Count; i++)
            {
                if (!UpdateNew[i].Equals(UpdateOld[i]))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The number of changes: creates, updates (an old/new pair counts once) and deletes.</summary>
    [JsonIgnore]
    public int Count => Create.Count + UpdateNew.Count + Delete.Count;

    /// <summary>Serialises to ExternalDNS's webhook JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(new Wire(Create, UpdateOld, UpdateNew, Delete), JsonOptions);

    /// <summary>Parses ExternalDNS's webhook JSON (keys case-insensitive; missing lists are empty).</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The changes.</returns>
    /// <exception cref="JsonException">The text is not valid changes JSON.</exception>
    public static DnsChanges FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var wire = JsonSerializer.Deserialize<Wire>(json, JsonOptions) ?? throw new JsonException("changes JSON is null");
        return new DnsChanges
        {
            Create = wire.Create ?? [],
            UpdateOld = wire.UpdateOld ?? [],
            UpdateNew = wire.UpdateNew ?? [],
            Delete = wire.Delete ?? [],
        };
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"create={Create.Count} update={UpdateNew.Count} delete={Delete.Count}";

    private sealed record Wire(
        IReadOnlyList<DnsEndpoint>? Create,
        IReadOnlyList<DnsEndpoint>? UpdateOld,
        IReadOnlyList<DnsEndpoint>? UpdateNew,
        IReadOnlyList<DnsEndpoint>? Delete);
}
