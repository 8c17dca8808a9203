namespace Ccx.Dns.TestServers;

/// <summary>
/// An xUnit fixture (class or collection) owning one real server: started before the first test of its scope, disposed
/// after the last. A test project's fixture derives from it, says how its server starts, and adds only what its tests
/// share (zones, helpers).
/// </summary>
/// <typeparam name="TServer">The server.</typeparam>
public abstract class ServerFixture<TServer> : IAsyncLifetime
    where TServer : class, IAsyncDisposable
{
    /// <summary>The running server.</summary>
    public TServer Server { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => Server = await StartServerAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts the server; fails with a message naming what is missing when a prerequisite is not installed.</summary>
    /// <returns>The running server.</returns>
    protected abstract Task<TServer> StartServerAsync();
}
