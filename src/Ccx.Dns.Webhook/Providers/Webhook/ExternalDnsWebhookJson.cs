using System.Buffers;
using System.Collections.Immutable;
using System.Text.Encodings.Web;
using System.Text.Json;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;

namespace Ccx.Dns.Providers.Webhook;

/// <summary>
/// Reads and writes the JSON bodies of ExternalDNS's webhook protocol: endpoint arrays, changes
/// (<c>{"create":[…],"updateOld":[…],"updateNew":[…],"delete":[…]}</c>), the negotiated domain filter
/// (<c>{"include":[…],"exclude":[…]}</c> or <c>{"regexInclude":"…","regexExclude":"…"}</c>) and
/// <see cref="ExternalDnsWebhookProblem"/> error bodies. Keys are read case-insensitively (as Go does); absent fields
/// and lists are empty.
/// </summary>
public static class ExternalDnsWebhookJson
{
    private static readonly DnsEndpointJsonConverter Converter = new();
    // Relaxed escaping: the bodies are never embedded in HTML, and base64 ownership texts keep their '+' and '/'.
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 };

    /// <summary>Writes a JSON array of endpoints.</summary>
    /// <param name="output">Where the UTF-8 JSON goes.</param>
    /// <param name="endpoints">The endpoints.</param>
    public static void WriteEndpoints(IBufferWriter<byte> output, IReadOnlyList<DnsEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(endpoints);
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        WriteEndpointArray(writer, endpoints);
        writer.Flush();
    }

    /// <summary>Reads a JSON array of endpoints.</summary>
    /// <param name="json">The UTF-8 JSON.</param>
    /// <returns>The endpoints.</returns>
    /// <exception cref="JsonException">The text is not a JSON array of endpoint objects.</exception>
    public static IReadOnlyList<DnsEndpoint> ReadEndpoints(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        Next(ref reader);
        var endpoints = ReadEndpointArray(ref reader, "the body");
        ExpectEnd(ref reader);
        return endpoints;
    }

    /// <summary>Writes changes in the webhook form (all four lists, empty ones as <c>[]</c>).</summary>
    /// <param name="output">Where the UTF-8 JSON goes.</param>
    /// <param name="changes">The changes.</param>
    public static void WriteChanges(IBufferWriter<byte> output, DnsChanges changes)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(changes);
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WritePropertyName("create");
        WriteEndpointArray(writer, changes.Create);
        writer.WritePropertyName("updateOld");
        WriteEndpointArray(writer, changes.UpdateOld);
        writer.WritePropertyName("updateNew");
        WriteEndpointArray(writer, changes.UpdateNew);
        writer.WritePropertyName("delete");
        WriteEndpointArray(writer, changes.Delete);
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>Reads changes in the webhook form. <c>updateOld</c> and <c>updateNew</c> must have the same length (they are paired by index).</summary>
    /// <param name="json">The UTF-8 JSON.</param>
    /// <returns>The changes.</returns>
    /// <exception cref="JsonException">The text is not a changes object, or the update lists differ in length.</exception>
    public static DnsChanges ReadChanges(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("the changes must be a JSON object with the lists create, updateOld, updateNew and delete");
        }

        IReadOnlyList<DnsEndpoint> create = [], updateOld = [], updateNew = [], delete = [];
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = reader.GetString() ?? string.Empty;
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            if (name.Equals("create", StringComparison.OrdinalIgnoreCase))
            {
                create = ReadEndpointArray(ref reader, "'create'");
            }
            else if (name.Equals("updateOld", StringComparison.OrdinalIgnoreCase))
            {
                updateOld = ReadEndpointArray(ref reader, "'updateOld'");
            }
            else if (name.Equals("updateNew", StringComparison.OrdinalIgnoreCase))
            {
                updateNew = ReadEndpointArray(ref reader, "'updateNew'");
            }
            else if (name.Equals("delete", StringComparison.OrdinalIgnoreCase))
            {
                delete = ReadEndpointArray(ref reader, "'delete'");
            }
            else
            {
                reader.Skip();
            }
        }

        ExpectEnd(ref reader);
        if (updateOld.Count != updateNew.Count)
        {
            throw new JsonException($"'updateOld' has {updateOld.Count} endpoints and 'updateNew' {updateNew.Count}; the update lists are paired by index and must have the same length");
        }

        return new DnsChanges { Create = create, UpdateOld = updateOld, UpdateNew = updateNew, Delete = delete };
    }

    /// <summary>
    /// Writes a domain filter as ExternalDNS serialises it: <c>{"include":[…],"exclude":[…]}</c> (sorted, empty lists
    /// omitted) or, for a regular-expression filter, <c>{"regexInclude":"…","regexExclude":"…"}</c>.
    /// </summary>
    /// <param name="output">Where the UTF-8 JSON goes.</param>
    /// <param name="filter">The filter.</param>
    public static void WriteDomainFilter(IBufferWriter<byte> output, DomainFilter filter)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(filter);
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        if (filter.RegexInclude is not null || filter.RegexExclude is not null)
        {
            if (filter.RegexInclude is { } include)
            {
                writer.WriteString("regexInclude", include.ToString());
            }

            if (filter.RegexExclude is { } exclude)
            {
                writer.WriteString("regexExclude", exclude.ToString());
            }
        }
        else
        {
            WriteSortedList(writer, "include", filter.Include);
            WriteSortedList(writer, "exclude", filter.Exclude);
        }

        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>Reads a domain filter; <c>{}</c> (or <c>null</c>) is the filter that matches every name.</summary>
    /// <param name="json">The UTF-8 JSON.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="JsonException">The text is not a domain filter, uses both the list and the regular-expression form, or holds an invalid regular expression.</exception>
    public static DomainFilter ReadDomainFilter(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.Null)
        {
            ExpectEnd(ref reader);
            return DomainFilter.All;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("the domain filter must be a JSON object ({\"include\":[…],\"exclude\":[…]} or {\"regexInclude\":\"…\",\"regexExclude\":\"…\"})");
        }

        var include = new List<string>();
        var exclude = new List<string>();
        string? regexInclude = null, regexExclude = null;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = reader.GetString() ?? string.Empty;
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            if (name.Equals("include", StringComparison.OrdinalIgnoreCase))
            {
                ReadStringArray(ref reader, "'include'", include);
            }
            else if (name.Equals("exclude", StringComparison.OrdinalIgnoreCase))
            {
                ReadStringArray(ref reader, "'exclude'", exclude);
            }
            else if (name.Equals("regexInclude", StringComparison.OrdinalIgnoreCase))
            {
                regexInclude = ReadString(ref reader, "'regexInclude'");
            }
            else if (name.Equals("regexExclude", StringComparison.OrdinalIgnoreCase))
            {
                regexExclude = ReadString(ref reader, "'regexExclude'");
            }
            else
            {
                reader.Skip();
            }
        }

        ExpectEnd(ref reader);
        var hasRegex = !string.IsNullOrEmpty(regexInclude) || !string.IsNullOrEmpty(regexExclude);
        if (hasRegex && (include.Count > 0 || exclude.Count > 0))
        {
            throw new JsonException("the domain filter has both domain lists and regular expressions; a filter uses one form or the other");
        }

        if (!hasRegex)
        {
            return include.Count == 0 && exclude.Count == 0 ? DomainFilter.All : new DomainFilter(include, exclude);
        }

        try
        {
            return DomainFilter.FromRegex(regexInclude, regexExclude);
        }
        catch (ArgumentException ex)
        {
            throw new JsonException("the domain filter's regular expression is invalid: " + ex.Message, ex);
        }
    }

    /// <summary>Writes a problem-details error body.</summary>
    /// <param name="output">Where the UTF-8 JSON goes.</param>
    /// <param name="problem">The problem.</param>
    public static void WriteProblem(IBufferWriter<byte> output, ExternalDnsWebhookProblem problem)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(problem);
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("title", problem.Title);
        writer.WriteNumber("status", problem.Status);
        if (problem.Detail is { } detail)
        {
            writer.WriteString("detail", detail);
        }

        writer.WriteBoolean("transient", problem.Transient);
        writer.WriteBoolean("partial", problem.Partial);
        writer.WriteBoolean("conflict", problem.Conflict);
        if (problem.Rejected.Count > 0)
        {
            writer.WriteStartArray("rejected");
            foreach (var rejected in problem.Rejected)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("endpoint");
                Converter.Write(writer, rejected.Endpoint, JsonSerializerOptions.Default);
                writer.WriteString("reason", rejected.Reason);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>Reads a problem-details error body; <see langword="null"/> when the text is not one (another server's error text).</summary>
    /// <param name="json">The UTF-8 text.</param>
    /// <returns>The problem, or <see langword="null"/>.</returns>
    public static ExternalDnsWebhookProblem? TryReadProblem(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            Next(ref reader);
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            string? title = null, detail = null;
            int status = 0;
            bool transient = false, partial = false, conflict = false;
            var rejected = new List<RejectedEndpoint>();
            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                var name = reader.GetString() ?? string.Empty;
                Next(ref reader);
                switch (name)
                {
                    case "title" when reader.TokenType == JsonTokenType.String: title = reader.GetString(); break;
                    case "detail" when reader.TokenType == JsonTokenType.String: detail = reader.GetString(); break;
                    case "status" when reader.TokenType == JsonTokenType.Number: status = reader.GetInt32(); break;
                    case "transient" when reader.TokenType is JsonTokenType.True or JsonTokenType.False: transient = reader.GetBoolean(); break;
                    case "partial" when reader.TokenType is JsonTokenType.True or JsonTokenType.False: partial = reader.GetBoolean(); break;
                    case "conflict" when reader.TokenType is JsonTokenType.True or JsonTokenType.False: conflict = reader.GetBoolean(); break;
                    case "rejected" when reader.TokenType == JsonTokenType.StartArray:
                        while (Next(ref reader) != JsonTokenType.EndArray)
                        {
                            rejected.Add(ReadRejected(ref reader));
                        }

                        break;
                    default: reader.Skip(); break;
                }
            }

            ExpectEnd(ref reader);
            return title is null
                ? null
                : new ExternalDnsWebhookProblem { Title = title, Status = status, Detail = detail, Transient = transient, Partial = partial, Conflict = conflict, Rejected = rejected };
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null; // a value of an unexpected JSON type
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static RejectedEndpoint ReadRejected(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a rejected change must be an object");
        }

        DnsEndpoint? endpoint = null;
        var reason = string.Empty;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = reader.GetString() ?? string.Empty;
            Next(ref reader);
            if (name == "endpoint" && reader.TokenType == JsonTokenType.StartObject)
            {
                endpoint = Converter.Read(ref reader, typeof(DnsEndpoint), JsonSerializerOptions.Default);
            }
            else if (name == "reason" && reader.TokenType == JsonTokenType.String)
            {
                reason = reader.GetString() ?? string.Empty;
            }
            else
            {
                reader.Skip();
            }
        }

        return new RejectedEndpoint(endpoint ?? throw new JsonException("a rejected change has no endpoint"), reason);
    }

    private static void WriteEndpointArray(Utf8JsonWriter writer, IReadOnlyList<DnsEndpoint> endpoints)
    {
        writer.WriteStartArray();
        for (var i = 0; i < endpoints.Count; i++)
        {
            Converter.Write(writer, endpoints[i], JsonSerializerOptions.Default);
        }

        writer.WriteEndArray();
    }

    private static ImmutableArray<DnsEndpoint> ReadEndpointArray(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"{what} must be a JSON array of endpoints");
        }

        var endpoints = ImmutableArray.CreateBuilder<DnsEndpoint>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"{what}: endpoint {endpoints.Count} is not a JSON object");
            }

            try
            {
                endpoints.Add(Converter.Read(ref reader, typeof(DnsEndpoint), JsonSerializerOptions.Default));
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
            {
                // A value of the wrong JSON type (a number for a name, …) or a name that is not a DNS name.
                throw new JsonException($"{what}: endpoint {endpoints.Count} is malformed: {ex.Message}", ex);
            }
        }

        return endpoints.DrainToImmutable();
    }

    private static void ReadStringArray(ref Utf8JsonReader reader, string what, List<string> into)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"{what} must be a JSON array of strings");
        }

        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            into.Add(ReadString(ref reader, what));
        }
    }

    private static string ReadString(ref Utf8JsonReader reader, string what) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString() ?? string.Empty : throw new JsonException($"{what} must hold strings");

    private static void WriteSortedList(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values.Order(StringComparer.Ordinal))
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("the JSON text ends too early");
        }

        return reader.TokenType;
    }

    private static void ExpectEnd(ref Utf8JsonReader reader)
    {
        if (reader.Read())
        {
            throw new JsonException("unexpected text after the JSON value");
        }
    }
}
