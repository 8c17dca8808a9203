using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ccx.Dns.Providers.PowerDns.Internal;

/// <summary>
/// A zone as listed by <c>GET /zones</c> (no RRsets) or read by <c>GET /zones/{id}</c> (with RRsets). Every field may be
/// missing or <see langword="null"/> in a malformed answer; readers check them.
/// </summary>
internal sealed record PowerDnsZone
{
    /// <summary>The opaque, URL-safe zone id used in paths.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>The zone name, canonical (trailing dot).</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>The zone kind (Native, Master, Slave, …).</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; init; }

    /// <summary>The RRsets, each read on its own so that one malformed entry does not spoil the others; only on a single-zone read.</summary>
    [JsonPropertyName("rrsets")]
    public PowerDnsRrSetList? RrSets { get; init; }
}

/// <summary>An RRset as read, or as one entry of a PATCH. When read, any field may be <see langword="null"/>.</summary>
internal sealed record PowerDnsRrSet
{
    /// <summary>The owner name, canonical (trailing dot).</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>The record type mnemonic.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

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
    public IReadOnlyList<PowerDnsRecord?>? Records { get; init; }
}

/// <summary>One record of an RRset: its content in PowerDNS's presentation form.</summary>
internal sealed record PowerDnsRecord
{
    /// <summary>The content, for example <c>10 mail.example.org.</c> or <c>"some text"</c>.</summary>
    [JsonPropertyName("content")]
    public string? Content { get; init; }

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

/// <summary>The body of <c>POST /zones</c>: a plain Native zone, its SOA given so that its minimum (the negative-cache TTL) is low.</summary>
internal sealed record PowerDnsZoneCreation
{
    /// <summary>The zone name, canonical (trailing dot).</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The zone kind: <c>Native</c>.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; init; } = "Native";

    /// <summary>The apex NS names, canonical; may be empty.</summary>
    [JsonPropertyName("nameservers")]
    public IReadOnlyList<string> Nameservers { get; init; } = [];

    /// <summary>Whether PowerDNS rectifies the zone after every API change (only DNSSEC needs it).</summary>
    [JsonPropertyName("api_rectify")]
    public bool ApiRectify { get; init; }

    /// <summary>The SOA RRset.</summary>
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
[JsonSerializable(typeof(PowerDnsRrSet))]
[JsonSerializable(typeof(List<PowerDnsZone?>))]
[JsonSerializable(typeof(PowerDnsPatch))]
[JsonSerializable(typeof(PowerDnsZoneCreation))]
[JsonSerializable(typeof(PowerDnsError))]
internal sealed partial class PowerDnsJsonContext : JsonSerializerContext;

/// <summary>
/// One entry of a zone's <c>rrsets</c> array: the RRset, or, when the entry is not an RRset object of the expected
/// shape, why not, with its name and type when those could still be read.
/// </summary>
/// <param name="RrSet">The RRset; <see langword="null"/> when the entry could not be read as one.</param>
/// <param name="Name">The entry's <c>name</c> when it is a string (also for an unreadable entry).</param>
/// <param name="Type">The entry's <c>type</c> when it is a string (also for an unreadable entry).</param>
/// <param name="Problem">Why the entry could not be read; <see langword="null"/> when it could.</param>
internal sealed record PowerDnsRrSetEntry(PowerDnsRrSet? RrSet, string? Name, string? Type, string? Problem);

/// <summary>A zone's <c>rrsets</c> array, read entry by entry (see <see cref="PowerDnsRrSetListConverter"/>).</summary>
/// <param name="Entries">The entries, in the server's order.</param>
[JsonConverter(typeof(PowerDnsRrSetListConverter))]
internal sealed record PowerDnsRrSetList(IReadOnlyList<PowerDnsRrSetEntry> Entries);

/// <summary>
/// Reads an <c>rrsets</c> array one entry at a time: an entry that is not an RRset of the expected shape (a
/// <see langword="null"/>, a number where a string belongs, …) becomes an entry with a <see cref="PowerDnsRrSetEntry.Problem"/>
/// instead of failing the whole zone. A body that is not JSON at all, or nested deeper than the reader allows, still fails.
/// </summary>
internal sealed class PowerDnsRrSetListConverter : JsonConverter<PowerDnsRrSetList>
{
    /// <inheritdoc />
    public override PowerDnsRrSetList Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"'rrsets' is a JSON {reader.TokenType}, not an array");
        }

        var entries = new List<PowerDnsRrSetEntry>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = reader;
            PowerDnsRrSet? rrset;
            try
            {
                rrset = JsonSerializer.Deserialize(ref reader, PowerDnsJsonContext.Default.PowerDnsRrSet);
            }
            catch (JsonException ex)
            {
                // The custom converter sees the whole array buffered, so the entry can be read again from its start.
                reader = start;
                using var entry = JsonDocument.ParseValue(ref reader);
                var problem = entry.RootElement.ValueKind == JsonValueKind.Object
                    ? $"a value of the wrong JSON type, or out of range, at {ex.Path ?? "$"} in the entry"
                    : $"the entry is a JSON {entry.RootElement.ValueKind}, not an object";
                entries.Add(new PowerDnsRrSetEntry(null, StringProperty(entry.RootElement, "name"), StringProperty(entry.RootElement, "type"), problem));
                continue;
            }

            entries.Add(rrset is null
                ? new PowerDnsRrSetEntry(null, null, null, "the entry is null")
                : new PowerDnsRrSetEntry(rrset, rrset.Name, rrset.Type, null));
        }

        return new PowerDnsRrSetList(entries);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, PowerDnsRrSetList value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var entry in value.Entries)
        {
            if (entry.RrSet is { } rrset)
            {
                JsonSerializer.Serialize(writer, rrset, PowerDnsJsonContext.Default.PowerDnsRrSet);
            }
        }

        writer.WriteEndArray();
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
