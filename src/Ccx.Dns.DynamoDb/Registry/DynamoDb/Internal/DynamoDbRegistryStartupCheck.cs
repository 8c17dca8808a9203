using Ccx.Dns.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccx.Dns.Registry.DynamoDb.Internal;

using Log = Ccx.Dns.DynamoDb.Log;

/// <summary>
/// Checks the ownership table when the host starts: a missing table or a wrong key schema stops the start with the
/// registry's message; a transient failure (DynamoDB unreachable) is logged and left to the first reconcile.
/// </summary>
internal sealed class DynamoDbRegistryStartupCheck(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IRegistry>() is not DynamoDbRegistry registry)
        {
            return;
        }

        try
        {
            await registry.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DnsProviderException ex) when (ex.IsTransient)
        {
            var logger = services.GetService<ILogger<DynamoDbRegistry>>() ?? NullLogger<DynamoDbRegistry>.Instance;
            Log.StartupCheckDeferred(logger, registry.TableName, ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
