using System.Threading.Channels;
using Ccx.Dns.Coordination;
using Ccx.Dns.Diagnostics;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Hosting;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Sources;
using Ccx.Dns.Sources.Programmatic;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Tests.TestSupport;

/// <summary>
/// A reconciler over the real in-memory provider (zone <c>example.org</c>), the owner-label registry double, a
/// programmatic source and a manual clock; collects every result.
/// </summary>
internal sealed class ReconcilerHarness : IAsyncDisposable
{
    public const string Zone = "example.org";

    private readonly Channel<ReconcileResult> _results = Channel.CreateUnbounded<ReconcileResult>();
    private DnsReconcilerHostedService? _service;

    public ReconcilerHarness(Action<DnsReconcilerOptions>? configure = null, ILeaderLease? lease = null, IEnumerable<IEndpointSource>? sources = null, string ownerId = "test-owner")
    {
        Options = new DnsReconcilerOptions();
        configure?.Invoke(Options);
        Provider = new InMemoryDnsProvider([Zone], new DomainFilter([Zone]));
        Registry = new OwnerLabelRegistry(Provider, ownerId);
        Source = new ProgrammaticEndpointSource();
        Telemetry = new DnsTelemetry();
        Reconciler = new DnsReconciler(sources ?? [Source], Registry, Microsoft.Extensions.Options.Options.Create(Options), Clock, Logger, Telemetry, lease);
        Reconciler.Reconciled += (_, result) => _results.Writer.TryWrite(result);
    }

    public ManualTimeProvider Clock { get; } = new();

    public DnsReconcilerOptions Options { get; }

    public InMemoryDnsProvider Provider { get; }

    public OwnerLabelRegistry Registry { get; }

    public ProgrammaticEndpointSource Source { get; }

    public DnsTelemetry Telemetry { get; }

    public CapturingLogger<DnsReconciler> Logger { get; } = new();

    public CapturingLogger<DnsReconcilerHostedService> ServiceLogger { get; } = new();

    public DnsReconciler Reconciler { get; }

    public DateTimeOffset Start { get; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public DnsReconcilerHostedService Service => _service ?? throw new InvalidOperationException("not started");

    public static DnsEndpoint A(string name, string ip) => new($"{name}.{Zone}", RecordType.A, ip);

    public Task<ReconcileResult> RunAsync() => Reconciler.RunOnceAsync();

    public async Task StartAsync()
    {
        _service = new DnsReconcilerHostedService(Reconciler, Clock, ServiceLogger);
        await _service.StartAsync(CancellationToken.None);
    }

    /// <summary>The next result (real-time timeout: 10 s).</summary>
    public async Task<ReconcileResult> NextResultAsync()
    {
        try
        {
            return await _results.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no reconcile within 10 s; clock {Clock.GetUtcNow():O}, armed [{string.Join(", ", Clock.ArmedTimers.Select(t => t.ToString("O")))}]");
        }
    }

    /// <summary>Whether a result is waiting (nothing ran that the test did not expect).</summary>
    public bool HasPendingResult => _results.Reader.TryPeek(out _);

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.StopAsync(CancellationToken.None);
            _service.Dispose();
        }

        Reconciler.Dispose();
        Telemetry.Dispose();
    }
}
