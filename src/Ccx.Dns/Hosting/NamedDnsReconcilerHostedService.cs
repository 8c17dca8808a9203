using Microsoft.Extensions.Hosting;

namespace Ccx.Dns.Hosting;

/// <summary>
/// A named reconciler's hosted service: starts the hosted services its parts registered in the reconciler's own container
/// (a source's poller, a registry's start-up check), in registration order, and then the reconciler's loop; stops them in
/// reverse order. The host starts only the hosted services of its own container, so without this a part added on a named
/// reconciler's builder would never run its background work.
/// </summary>
internal sealed class NamedDnsReconcilerHostedService : IHostedService, IDisposable
{
    private readonly IReadOnlyList<IHostedService> _parts;
    private readonly DnsReconcilerHostedService _reconciler;
    private readonly List<IHostedService> _started = [];

    public NamedDnsReconcilerHostedService(IReadOnlyList<IHostedService> parts, DnsReconcilerHostedService reconciler)
    {
        _parts = parts;
        _reconciler = reconciler;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var part in _parts.Append(_reconciler))
        {
            await part.StartAsync(cancellationToken).ConfigureAwait(false);
            _started.Add(part);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        List<Exception>? errors = null;
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            try
            {
                await _started[i].StopAsync(cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // every part is stopped even when one fails; the failures are thrown together
            catch (Exception ex)
#pragma warning restore CA1031
            {
                (errors ??= []).Add(ex);
            }
        }

        _started.Clear();
        if (errors is not null)
        {
            throw errors.Count == 1 ? errors[0] : new AggregateException(errors);
        }
    }

    /// <summary>Disposes the reconciler's loop; the parts belong to the reconciler's container, which disposes them.</summary>
    public void Dispose() => _reconciler.Dispose();
}
