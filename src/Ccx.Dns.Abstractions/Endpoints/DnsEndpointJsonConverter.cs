using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ccx.Dns.Endpoints;

/// <summary>
/// Reads and writes <see cref="DnsEndpoint"/> in ExternalDNS's webhook JSON: <c>dnsName</c>, <c>targets</c>,
/// <c>recordType</c>, <c>setIdentifier</c>, <c>recordTTL</c>, <c>labels</c>, <c>providerSpecific</c>
/// (empty fields omitted; keys read case-insensitively).
/// </summary>
public sealed class DnsEndpointJsonConverter : JsonConverter<DnsEndpoint>
{
    /// <inheritdoc />
    public override DnsEndpoint Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("an endpoint must be a JSON object");
        }

        string name = string.Empty, type = string.Empty, setId = string.Empty;
        long ttl = 0;
        var targets = ImmutableArray.CreateBuilder<string>();
        var labels = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var ps = ImmutableArray.CreateBuilder<ProviderSpecificProperty>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var property = reader.GetString() ?? string.Empty;
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            switch (property.ToUpperInvariant())
            {
                case "DNSNAME": name = reader.GetString() ?? string.Empty; break;
                case "RECORDTYPE": type = reader.GetString() ?? string.Empty; break;
                case "SETIDENTIFIER": setId = reader.GetString() ?? string.Empty; break;
                case "RECORDTTL": ttl = reader.GetInt64(); break;
                case "TARGETS":
                    Expect(ref reader, JsonTokenType.StartArray, property);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        targets.Add(reader.GetString() ?? string.Empty);
                    }

                    break;
                case "LABELS":
                    Expect(ref reader, JsonTokenType.StartObject, property);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        var key = reader.GetString() ?? string.Empty;
                        reader.Read();
                        labels[key] = reader.GetString() ?? string.Empty;
                    }

                    break;
                case "PROVIDERSPECIFIC":
                    Expect(ref reader, JsonTokenType.StartArray, property);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        Expect(ref reader, JsonTokenType.StartObject, property);
                        string psName = string.Empty, psValue = string.Empty;
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                        {
                            var key = reader.GetString() ?? string.Empty;
                            reader.Read();
                            if (string.Equals(key, "name", StringComparison.OrdinalIgnoreCase))
                            {
                                psName = reader.GetString() ?? string.Empty;
                            }
                            else if (string.Equals(key, "value", StringComparison.OrdinalIgnoreCase))
                            {
                                psValue = reader.GetString() ?? string.Empty;
                            }
                            else
                            {
                                reader.Skip();
                            }
                        }

                        ps.Add(new(psName, psValue));
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new DnsEndpoint(name, new RecordType(type))
        {
            Targets = targets.ToImmutable(),
            SetIdentifier = setId,
            Ttl = ttl,
            Labels = labels.ToImmutable(),
            ProviderSpecific = ps.ToImmutable(),
        };
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DnsEndpoint value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        if (value.DnsName.Length > 0)
        {
            writer.WriteString("dnsName", value.DnsName);
        }

        if (value.Targets.Count > 0)
        {
            writer.WriteStartArray("targets");
            foreach (var target in value.Targets)
            {
                writer.WriteStringValue(target);
            }

            writer.WriteEndArray();
        }

        if (value.RecordType.Value.Length > 0)
        {
            writer.WriteString("recordType", value.RecordType.Value);
        }

        if (value.SetIdentifier.Length > 0)
        {
            writer.WriteString("setIdentifier", value.SetIdentifier);
        }

        if (value.Ttl != 0)
        {
            writer.WriteNumber("recordTTL", value.Ttl);
        }

        if (value.Labels.Count > 0)
        {
            writer.WriteStartObject("labels");
            foreach (var (key, label) in value.Labels)
            {
                writer.WriteString(key, label);
            }

            writer.WriteEndObject();
        }

        if (value.ProviderSpecific.Count > 0)
        {
            writer.WriteStartArray("providerSpecific");
            foreach (var property in value.ProviderSpecific)
            {
                writer.WriteStartObject();
                writer.WriteString("name", property.Name);
                writer.WriteString("value", property.Value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token, string property)
    {
        if (reader.TokenType != token)
        {
            throw new JsonException($"'{property}' must be a JSON {(token == JsonTokenType.StartArray ? "array" : "object")}");
        }
    }
}
