using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Ccx.Dns.Patroni.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccx.Dns.Patroni;

/// <summary>
/// A small HTTP endpoint (on <see cref="HttpListener"/>, no ASP.NET Core) for Patroni's callbacks:
/// <c>POST {prefix}refresh/{datastore id}</c> reads that datastore at once (<see cref="PatroniSource.RefreshAsync"/>)
/// and answers <c>200</c> with what the read found as JSON; <c>POST {prefix}refresh</c> reads every datastore. An
/// unknown id answers <c>404</c>, a malformed one <c>400</c>, another method <c>405</c>.
/// </summary>
/// <remarks>
/// Patroni runs a callback command with three arguments appended (action, role, cluster name); the script in the
/// package's README posts to this endpoint with <c>curl</c>. Any query string (such as <c>?action=on_role_change</c>)
/// is only logged. A request can only trigger a read, but bind the prefix to an address only the Patroni nodes reach.
/// The builder's hosted service runs it when <see cref="PatroniSourceOptions.CallbackListenerPrefix"/> is set.
/// </remarks>
public sealed class PatroniCallbackListener : IDisposable
{
    private const int MaxConcurrentRequests = 64;
    private readonly PatroniSource _source;
    private readonly string _prefix;
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly HttpListener _listener = new();
    private readonly SemaphoreSlim _inFlight = new(MaxConcurrentRequests, MaxConcurrentRequests);

    /// <summary>Creates the listener (it listens from <see cref="Start"/>).</summary>
    /// <param name="source">The source to refresh.</param>
    /// <param name="prefix">The URL prefix, for example <c>http://127.0.0.1:8089/ccx-dns/patroni/</c> (must end with <c>/</c>).</param>
    /// <param name="logger">The logger.</param>
    public PatroniCallbackListener(PatroniSource source, string prefix, ILogger<PatroniCallbackListener>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        if (!prefix.EndsWith('/'))
        {
            throw new ArgumentException("the prefix must end with '/'", nameof(prefix));
        }

        var probe = prefix.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal);
        if (!Uri.TryCreate(probe, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException("the prefix must be an absolute http URL such as http://127.0.0.1:8089/ccx-dns/patroni/", nameof(prefix));
        }

        _source = source;
        _prefix = prefix;
        _path = url.AbsolutePath;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _listener.Prefixes.Add(prefix);
    }

    /// <summary>Starts listening.</summary>
    /// <exception cref="InvalidOperationException">The prefix cannot be listened on (the port is taken, the address is not local, …).</exception>
    public void Start()
    {
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException ex)
        {
            throw new InvalidOperationException($"cannot listen for Patroni callbacks on {_prefix}: {ex.Message}", ex);
        }

        Log.CallbackListening(_logger, _prefix);
    }

    /// <summary>Serves requests until <paramref name="stoppingToken"/> is cancelled (call <see cref="Start"/> first).</summary>
    /// <param name="stoppingToken">Stops serving.</param>
    /// <returns>A task that completes when serving stops.</returns>
    public async Task ServeAsync(CancellationToken stoppingToken)
    {
        using var registration = stoppingToken.Register(() => _listener.Stop());
        var handlers = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                if (!stoppingToken.IsCancellationRequested)
                {
                    Log.CallbackListenerFailed(_logger, ex);
                }

                break;
            }

            try
            {
                await _inFlight.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                context.Response.Abort();
                break;
            }

            handlers.RemoveAll(t => t.IsCompleted);
            handlers.Add(HandleAsync(context, stoppingToken));
        }

        await Task.WhenAll(handlers).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ((IDisposable)_listener).Dispose();
        _inFlight.Dispose();
    }

    private async Task HandleAsync(HttpListenerContext context, CancellationToken stoppingToken)
    {
        var request = context.Request;
        var response = context.Response;
        var method = request.HttpMethod;
        var path = request.Url?.AbsolutePath ?? string.Empty;
        try
        {
            var rest = path.StartsWith(_path, StringComparison.OrdinalIgnoreCase) ? path[_path.Length..].Trim('/') : null;
            var segments = rest?.Split('/') ?? [];
            if (segments.Length is < 1 or > 2 || !string.Equals(segments[0], "refresh", StringComparison.OrdinalIgnoreCase))
            {
                await RefuseAsync(response, method, path, HttpStatusCode.NotFound, "not found; POST refresh/<datastore id>").ConfigureAwait(false);
                return;
            }

            if (!string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase))
            {
                response.AddHeader("Allow", "POST");
                await RefuseAsync(response, method, path, HttpStatusCode.MethodNotAllowed, "use POST").ConfigureAwait(false);
                return;
            }

            IReadOnlyList<PatroniDatastoreStatus> statuses;
            if (segments.Length == 1)
            {
                statuses = await _source.RefreshAllAsync(stoppingToken).ConfigureAwait(false);
            }
            else if (!Guid.TryParse(segments[1], out var id))
            {
                await RefuseAsync(response, method, path, HttpStatusCode.BadRequest, "the datastore id is not a UUID").ConfigureAwait(false);
                return;
            }
            else if (!_source.DatastoreIds.Contains(id))
            {
                await RefuseAsync(response, method, path, HttpStatusCode.NotFound, string.Create(CultureInfo.InvariantCulture, $"no datastore {id} is configured")).ConfigureAwait(false);
                return;
            }
            else
            {
                Log.CallbackReceived(_logger, id, request.Url?.Query is { Length: > 0 } query ? query : "no details");
                statuses = [await _source.RefreshAsync(id, stoppingToken).ConfigureAwait(false)];
            }

            await WriteAsync(response, HttpStatusCode.OK, "application/json", Render(statuses)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            response.Abort();
        }
#pragma warning disable CA1031 // one failed request must not end the listener
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CallbackListenerFailed(_logger, ex);
            try
            {
                await WriteAsync(response, HttpStatusCode.InternalServerError, "text/plain", "the refresh failed: " + ex.Message).ConfigureAwait(false);
            }
            catch (Exception inner) when (inner is HttpListenerException or ObjectDisposedException or InvalidOperationException or IOException)
            {
                response.Abort();
            }
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private async Task RefuseAsync(HttpListenerResponse response, string method, string path, HttpStatusCode status, string reason)
    {
        Log.CallbackRefused(_logger, method, path, reason);
        await WriteAsync(response, status, "text/plain", reason).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpListenerResponse response, HttpStatusCode status, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = (int)status;
        response.ContentType = contentType + "; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        response.Close();
    }

    private static string Render(IReadOnlyList<PatroniDatastoreStatus> statuses)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var status in statuses)
            {
                json.WriteStartObject();
                json.WriteString("datastore", status.DatastoreId);
                json.WriteString("condition", status.Condition.ToString());
                json.WriteString("leader", status.Leader);
                json.WriteString("detail", status.Detail);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
