using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;

namespace Ccx.Dns.Webhook.Tests.Support;

/// <summary>
/// An in-memory provider whose calls can be made to fail or wait, to drive the server's failure mapping. Reads and
/// writes go to a real <see cref="Ccx.Dns.Providers.InMemory.InMemoryDnsProvider"/> unless a failure is set.
/// </summary>
public sealed class ScriptedDnsProvider(params string[] zones) : IDnsProvider
{
    private readonly Ccx.Dns.Providers.InMemory.InMemoryDnsProvider _inner = new(zones, new DomainFilter(zones));

    public Exception? ReadFailure { get; set; }

    public Exception? ApplyFailure { get; set; }

    public Exception? AdjustFailure { get; set; }

    /// <summary>When set, an apply waits for it before writing.</summary>
    public TaskCompletionSource? ApplyGate { get; set; }

    /// <summary>The token each apply was given.</summary>
    public List<CancellationToken> ApplyTokens { get; } = [];

    public Func<IReadOnlyList<DnsEndpoint>, IReadOnlyList<DnsEndpoint>> Adjust { get; set; } = static e => e;

    public DomainFilter DomainFilter => _inner.DomainFilter;

    public Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default) =>
        ReadFailure is { } failure ? Task.FromException<IReadOnlyList<DnsEndpoint>>(failure) : _inner.GetRecordsAsync(cancellationToken);

    public async Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        lock (ApplyTokens)
        {
            ApplyTokens.Add(cancellationToken);
        }

        if (ApplyGate is { } gate)
        {
            await gate.Task;
        }

        if (ApplyFailure is { } failure)
        {
            throw failure;
        }

        await _inner.ApplyChangesAsync(changes, cancellationToken);
    }

    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) =>
        AdjustFailure is { } failure ? throw failure : Adjust(endpoints);
}
