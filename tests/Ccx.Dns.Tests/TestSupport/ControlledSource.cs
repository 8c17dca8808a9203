using Ccx.Dns.Endpoints;
using Ccx.Dns.Sources;

namespace Ccx.Dns.Tests.TestSupport;

/// <summary>A source whose reads the test can fail or hold, and whose change signal the test raises.</summary>
internal sealed class ControlledSource : IEndpointSource
{
    private readonly Queue<Exception> _failures = new();
    private TaskCompletionSource? _hold;
    private TaskCompletionSource? _holding;
    private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public event EventHandler? Changed;

    public IReadOnlyList<DnsEndpoint> Endpoints { get; set; } = [];

    public void FailNext(params Exception[] failures)
    {
        lock (_failures)
        {
            Array.ForEach(failures, _failures.Enqueue);
        }
    }

    /// <summary>Makes the next read wait until <see cref="Release"/>; returns a task completing when that read has begun.</summary>
    public Task HoldNextRead()
    {
        _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void Release() => (_holding ?? _hold)?.TrySetResult();

    public void RaiseChanged() => Changed?.Invoke(this, EventArgs.Empty);

    public async Task<IReadOnlyList<DnsEndpoint>> GetEndpointsAsync(CancellationToken cancellationToken = default)
    {
        var hold = Interlocked.Exchange(ref _hold, null);
        if (hold is not null)
        {
            _holding = hold;
            _entered.TrySetResult();
            await hold.Task.WaitAsync(cancellationToken);
        }

        lock (_failures)
        {
            if (_failures.TryDequeue(out var failure))
            {
                throw failure;
            }
        }

        return Endpoints;
    }
}
