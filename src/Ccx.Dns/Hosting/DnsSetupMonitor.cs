using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.Caching;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Hosting;

/// <summary>
/// Says how the reconciler is set up and whether that setup can work, so that a misconfiguration is one log line
/// rather than a silent no-op: at start it warns when the owner id is the implicit <c>default</c>; after the first full
/// reconcile that read the zone it logs the provider, the registry, the owner id, the domain filters and the zones
/// found; after every full read it checks that every domain filter matches at least one zone of the provider and
/// warns, in one line, when one does not (again only when that changes).
/// </summary>
internal sealed class DnsSetupMonitor : IHostedService
{
    /// <summary>The owner id ExternalDNS and the registries use when none is configured.</summary>
    internal const string ImplicitOwnerId = "default";

    private readonly DnsReconciler _reconciler;
    private readonly IDnsProvider? _provider;
    private readonly IRegistry? _registry;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private bool _setupLogged;
    private string? _lastCoverage = string.Empty;

    public DnsSetupMonitor(DnsReconciler reconciler, IDnsProvider? provider, IRegistry? registry, ILogger<DnsSetupMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(reconciler);
        ArgumentNullException.ThrowIfNull(logger);
        _reconciler = reconciler;
        _provider = provider;
        _registry = registry;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_registry is not null && string.Equals(_registry.OwnerId, ImplicitOwnerId, StringComparison.Ordinal))
        {
            Log.ImplicitOwnerId(_logger, _registry.GetType().Name);
        }

        _reconciler.Reconciled += OnReconciled;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _reconciler.Reconciled -= OnReconciled;
        return Task.CompletedTask;
    }

    /// <summary>The include suffixes of the reconciler's and the provider's domain filters (without a leading dot), de-duplicated.</summary>
    internal static IReadOnlyList<string> IncludeSuffixes(DnsReconcilerOptions options, DomainFilter? providerFilter)
    {
        var suffixes = new List<string>();
        foreach (var include in options.IncludeDomains.Concat(providerFilter?.Include ?? []))
        {
            var suffix = DnsNames.Normalize((include ?? string.Empty).Trim().TrimStart('.'));
            if (suffix.Length > 0 && !suffixes.Contains(suffix, StringComparer.Ordinal))
            {
                suffixes.Add(suffix);
            }
        }

        return suffixes;
    }

    /// <summary>The suffixes no zone serves: no zone at, above or below the suffix.</summary>
    internal static IReadOnlyList<string> Uncovered(IReadOnlyList<string> suffixes, IReadOnlyCollection<string> zones) =>
        [.. suffixes.Where(suffix => !zones.Any(zone => DnsNames.IsAtOrBelow(suffix, zone) || DnsNames.IsAtOrBelow(zone, suffix)))];

    /// <summary>Names the provider, seeing through the caching decorator.</summary>
    internal static string Describe(IDnsProvider? provider) => provider switch
    {
        null => "none registered",
        CachingDnsProvider cached => cached.Inner.GetType().Name + " (cached)",
        _ => provider.GetType().Name,
    };

    private void OnReconciled(object? sender, ReconcileResult result)
    {
        // Only a full reconcile that got past reading the zone has fresh zones to judge.
        if (result.Mode != ReconcileMode.Full || result.Error is { Stage: ReconcileStage.Source or ReconcileStage.ReadRegistry })
        {
            return;
        }

        var zones = (_provider as IZoneAwareDnsProvider)?.KnownZones;
        var suffixes = IncludeSuffixes(_reconciler.Options, _provider?.DomainFilter);
        lock (_gate)
        {
            if (!_setupLogged)
            {
                _setupLogged = true;
                var registry = _registry?.GetType().Name ?? "none";
                var owner = _registry?.OwnerId is { Length: > 0 } ownerId ? "'" + ownerId + "'" : "(none: every record is managed)";
                var filters = DescribeFilters(suffixes);
                var found = zones is null ? "unknown (the provider does not list its zones)" : zones.Count == 0 ? "none" : string.Join(", ", zones);
                var provider = Describe(_provider);
                Log.SetUp(_logger, provider, registry, owner, filters, found);
            }

            if (zones is null)
            {
                return;
            }

            var uncovered = zones.Count == 0 ? (suffixes.Count == 0 ? ["(any name)"] : suffixes) : Uncovered(suffixes, zones);
            var coverage = string.Join(", ", uncovered);
            if (string.Equals(coverage, _lastCoverage, StringComparison.Ordinal))
            {
                return;
            }

            if (uncovered.Count > 0)
            {
                var provider = Describe(_provider);
                var found = zones.Count == 0 ? "none" : string.Join(", ", zones);
                Log.DomainFilterWithoutZone(_logger, coverage, provider, found);
            }
            else if (_lastCoverage is { Length: > 0 })
            {
                Log.DomainFiltersCovered(_logger);
            }

            _lastCoverage = coverage;
        }
    }

    private string DescribeFilters(IReadOnlyList<string> suffixes)
    {
        var options = _reconciler.Options;
        if (!string.IsNullOrEmpty(options.RegexDomainFilter) || !string.IsNullOrEmpty(options.RegexDomainExclusion))
        {
            return $"regex include '{options.RegexDomainFilter}' exclude '{options.RegexDomainExclusion}'";
        }

        var excluded = options.ExcludeDomains.Concat(_provider?.DomainFilter.Exclude ?? []).ToList();
        return (suffixes.Count == 0 ? "none (every name the provider serves)" : string.Join(", ", suffixes))
            + (excluded.Count == 0 ? string.Empty : " excluding " + string.Join(", ", excluded));
    }
}
