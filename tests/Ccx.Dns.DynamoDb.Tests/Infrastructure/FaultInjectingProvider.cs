using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;

namespace Ccx.Dns.DynamoDb.Tests.Infrastructure;

/// <summary>Where the decorated provider fails.</summary>
public enum ProviderFault
{
    None,

    /// <summary>Throws without applying anything (the provider refused or was unreachable).</summary>
    BeforeApply,

    /// <summary>Applies the changes, then throws (the answer was lost, or the process died right after).</summary>
    AfterApply,
}

/// <summary>A provider decorator that fails on demand before or after applying, and records what it applied.</summary>
public sealed class FaultInjectingProvider(IDnsProvider inner) : IDnsProvider
{
    private readonly List<DnsChanges> _applied = [];

    public ProviderFault Fault { get; set; }

    /// <summary>Runs before each apply (after the fault check for <see cref="ProviderFault.BeforeApply"/>).</summary>
    public Func<DnsChanges, Task>? OnApply { get; set; }

    public IReadOnlyList<DnsChanges> Applied
    {
        get
        {
            lock (_applied)
            {
                return [.. _applied];
            }
        }
    }

    public DomainFilter DomainFilter => inner.DomainFilter;

    /// <summary>Runs before each read, with the read's cancellation token.</summary>
    public Func<CancellationToken, Task>? OnRead { get; set; }

    public async Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
    {
        if (OnRead is { } onRead)
        {
            await onRead(cancellationToken);
        }

        return await inner.GetRecordsAsync(cancellationToken);
    }

    public async Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        if (Fault == ProviderFault.BeforeApply)
        {
            throw new DnsProviderException("injected provider failure before applying", isTransient: true);
        }

        if (OnApply is { } hook)
        {
            await hook(changes);
        }

        await inner.ApplyChangesAsync(changes, cancellationToken);
        lock (_applied)
        {
            _applied.Add(changes);
        }

        if (Fault == ProviderFault.AfterApply)
        {
            throw new DnsProviderException("injected provider failure after applying", isTransient: true) { IsPartial = true };
        }
    }

    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => inner.AdjustEndpoints(endpoints);
}
