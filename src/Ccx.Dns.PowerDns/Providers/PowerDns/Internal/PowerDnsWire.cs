using System.Text.Json.Serialization;

namespace Ccx.Dns.Providers.PowerDns.Internal;

/// <summary>A zone as listed by <c>GET /zones</c> (no RRsets) or read by <c>GET /zones/{id}</c> (with RRsets).</summary>
internal sealed record PowerDnsZone
{
    /// <summary>The opaque, URL-safe zone id used in paths.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = string.Empty;

    /// <summary>The zone name, canonical (trailing dot).</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = string.Empty;

    /// <summary>The zone kind (Native, Master, Slave, …).</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; init; }

    /// <summary>The RRsets; only on a single-zone read.</summary>
    [JsonPropertyName("rrsets")]
    public IReadOnlyList<PowerDnsRrSet>? RrSets { get; init; }
}

/// <summary>An RRset as read, or as one entry of a PATCH.</summary>
internal sealed record PowerDnsRrSet
{
    /// <summary>The owner name, canonical (trailing dot).</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = string.Empty;

    /// <summary>The record type mnemonic.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = string.Empty;

    /// <summary>The TTL; absent on DELETE.</summary>
    [JsonPropertyName("ttl")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Ttl { get; init; }

    /// <summary><c>REPLACE</c> or <c>DELETE</c> in a PATCH; absent when read.</summary>
    [JsonPropertyName("changetype")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ChangeType { get; init; }

    /// <summary>The records; absent on DELETE.</summary>
    [JsonPropertyName("records")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<PowerDnsRecord>? Records { get; init; }
}

/// <summary>One record of an RRset: its content in PowerDNS's presentation form.</summary>
internal sealed record PowerDnsRecord
{
    /// <summary>The content, for example <c>10 mail.example.org.</c> or <c>"some text"</c>.</summary>
    [JsonPropertyName("content")]
    public string Content { get; init; } = string.Empty;

    /// <summary>Whether the record is disabled (not served).</summary>
    [JsonPropertyName("disabled")]
    public bool Disabled { get; init; }
}

/// <summary>The body of a PATCH of a zone's RRsets.</summary>
internal sealed record PowerDnsPatch
{
    /// <summary>The RRset changes, applied in order in one transaction.</summary>
    [JsonPropertyName("rrsets")]
    public IReadOnlyList<PowerDnsRrSet> RrSets { get; init; } = [];
}

/// <summary>PowerDNS's error body.</summary>
internal sealed record PowerDnsError
{
    /// <summary>The error text.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    /// <summary>Further error texts, when given.</summary>
    [JsonPropertyName("errors")]
    public IReadOnlyList<string>? Errors { get; init; }
}

/// <summary>Source-generated JSON metadata for the PowerDNS wire types.</summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(PowerDnsZone))]
[JsonSerializable(typeof(List<PowerDnsZone>))]
[JsonSerializable(typeof(PowerDnsPatch))]
[JsonSerializable(typeof(PowerDnsError))]
internal sealed partial class PowerDnsJsonContext : JsonSerializerContext;
