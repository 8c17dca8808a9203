using System.Text.Json.Nodes;

namespace Ccx.Dns.Patroni.Tests.Infrastructure;

/// <summary>A member entry of a scripted <c>/cluster</c> answer, shaped like Patroni 3.0's.</summary>
public sealed record MemberEntry(string Name, string Role, string Host, string ApiUrl, string State = "running")
{
    /// <summary>The lag: a number of bytes, "unknown", or null (leaders have none).</summary>
    public object? Lag { get; init; }

    public bool NoLoadBalance { get; init; }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["name"] = Name,
            ["role"] = Role,
            ["state"] = State,
            ["api_url"] = ApiUrl,
            ["host"] = Host,
            ["port"] = 5432,
            ["timeline"] = 1,
        };
        if (Lag is long or int)
        {
            json["lag"] = Convert.ToInt64(Lag, System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (Lag is string text)
        {
            json["lag"] = text;
        }

        if (NoLoadBalance)
        {
            json["tags"] = new JsonObject { ["noloadbalance"] = true };
        }

        return json;
    }
}

/// <summary>Builds <c>GET /cluster</c> bodies.</summary>
public static class PatroniJson
{
    public static string Cluster(params MemberEntry[] members)
    {
        var array = new JsonArray();
        foreach (var member in members.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            array.Add(member.ToJson());
        }

        return new JsonObject { ["members"] = array }.ToJsonString();
    }
}
