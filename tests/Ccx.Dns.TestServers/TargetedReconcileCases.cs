using System.Globalization;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Sources.Programmatic;

namespace Ccx.Dns.TestServers;

/// <summary>
/// The pieces the targeted-versus-full property tests share (the core's on the in-memory provider, the DynamoDB
/// registry's on DynamoDB Local): the source changes a case is made of, the endpoints they carry, and the text a read is
/// compared by.
/// </summary>
public static class TargetedReconcileCases
{
    /// <summary>
    /// An endpoint of a generated case: addresses, a CNAME target or TXT texts numbered by <paramref name="variant"/>;
    /// an A record of variant 3 carries an invalid address (so that rejections are covered).
    /// </summary>
    /// <param name="fqdn">The name.</param>
    /// <param name="type">The type.</param>
    /// <param name="variant">Which targets.</param>
    /// <param name="count">How many targets (A, AAAA, TXT).</param>
    /// <param name="ttl">The TTL.</param>
    /// <param name="txtTexts">The TXT texts to pick from.</param>
    /// <returns>The endpoint.</returns>
    public static DnsEndpoint Endpoint(string fqdn, RecordType type, int variant, int count, long ttl, IReadOnlyList<string> txtTexts)
    {
        IEnumerable<string> targets = type.Value switch
        {
            "A" => variant == 3 ? ["not-an-address"] : Enumerable.Range(0, count).Select(i => "192.0.2." + (variant + i + 1).ToString(CultureInfo.InvariantCulture)),
            "AAAA" => Enumerable.Range(0, count).Select(i => "2001:db8::" + (variant + i + 1).ToString(CultureInfo.InvariantCulture)),
            "CNAME" => ["t" + variant.ToString(CultureInfo.InvariantCulture) + ".example.net"],
            _ => Enumerable.Range(0, count).Select(i => txtTexts[(variant + i) % txtTexts.Count]),
        };
        return new DnsEndpoint(fqdn, type, targets) { Ttl = ttl };
    }

    /// <summary>Records with their labels and provider-specific properties, one per line, sorted: what two reads are compared by.</summary>
    /// <param name="records">The records.</param>
    /// <returns>The text.</returns>
    public static string Labelled(IReadOnlyList<DnsEndpoint> records) =>
        string.Join("\n", records.Select(r => $"{r} {string.Join(",", r.Labels.Select(l => l.Key + "=" + l.Value))} {string.Join(",", r.ProviderSpecific)}").Order(StringComparer.Ordinal));
}

/// <summary>One change of a generated case to the programmatic source.</summary>
public abstract record SourceStep
{
    /// <summary>Applies the change to the source.</summary>
    /// <param name="source">The source.</param>
    public abstract void Apply(ProgrammaticEndpointSource source);
}

/// <summary>Adds or replaces an endpoint.</summary>
/// <param name="Endpoint">The endpoint.</param>
public sealed record UpsertStep(DnsEndpoint Endpoint) : SourceStep
{
    /// <inheritdoc />
    public override void Apply(ProgrammaticEndpointSource source) => source.Upsert(Endpoint);
}

/// <summary>Removes an endpoint.</summary>
/// <param name="Key">Its key.</param>
public sealed record RemoveStep(EndpointKey Key) : SourceStep
{
    /// <inheritdoc />
    public override void Apply(ProgrammaticEndpointSource source) => source.Remove(Key);
}

/// <summary>Replaces every endpoint (the source then cannot say which names changed).</summary>
/// <param name="Endpoints">The new endpoints.</param>
public sealed record ReplaceAllStep(DnsEndpoint[] Endpoints) : SourceStep
{
    /// <inheritdoc />
    public override void Apply(ProgrammaticEndpointSource source) => source.ReplaceAll(Endpoints);

    /// <inheritdoc />
    public override string ToString() => $"ReplaceAll [{string.Join(", ", Endpoints.Select(e => e.ToString()))}]";
}

/// <summary>Changes nothing: the step runs a full reconcile in both stacks.</summary>
public sealed record FullStep : SourceStep
{
    /// <inheritdoc />
    public override void Apply(ProgrammaticEndpointSource source)
    {
    }
}
