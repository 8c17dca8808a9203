using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Patroni.Internal;

/// <summary>Runs <see cref="PatroniSource.PollAsync"/> and, when a prefix is configured, the <see cref="PatroniCallbackListener"/>.</summary>
internal sealed class PatroniHostedService : IHostedService, IDisposable
{
    private readonly PatroniSource _source;
    private readonly PatroniCallbackListener? _listener;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _polling;
    private Task? _serving;

    public PatroniHostedService(PatroniSource source, ILoggerFactory? loggerFactory)
    {
        _source = source;
        if (source.Options.CallbackListenerPrefix is { } prefix)
        {
            _listener = new PatroniCallbackListener(source, prefix, loggerFactory?.CreateLogger<PatroniCallbackListener>());
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Listening is started here, so that a prefix that cannot be listened on fails the host's start.
        _listener?.Start();
        _serving = _listener?.ServeAsync(_stopping.Token);
        _polling = Task.Run(() => _source.PollAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        var running = new[] { _polling, _serving }.OfType<Task>().ToArray();
        await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _listener?.Dispose();
        _stopping.Dispose();
    }
}
