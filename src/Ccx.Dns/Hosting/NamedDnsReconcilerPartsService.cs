using Microsoft.Extensions.Hosting;

namespace Ccx.Dns.Hosting;

/// <summary>
/// Runs the hosted services a named reconciler's parts registered in the reconciler's own container (a source's poller,
/// a registry's start-up check): starts them in registration order before the reconciler's loop starts, and stops them in
/// reverse order. The host starts only the hosted services of its own container, so without this a part added on a named
/// reconciler's builder would never run its background work.
/// </summary>
internal sealed class NamedDnsReconcilerPartsService : IHostedService
{
    private readonly IReadOnlyList<IHostedService> _parts;
    private readonly List<IHostedService> _started = [];

    public NamedDnsReconcilerPartsService(IReadOnlyList<IHostedService> parts)
    {
        _parts = parts;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var part in _parts)
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
}
