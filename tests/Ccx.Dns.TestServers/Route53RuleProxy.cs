using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;

namespace Ccx.Dns.TestServers;

/// <summary>
/// The project's own Route 53 stand-in in front of moto: a real HTTP/1.1 server on a free loopback port (a minimal
/// one on a <see cref="TcpListener"/>, so that a connection can really be dropped) that a provider talks to by URL, so
/// the whole HTTP stack is exercised. It forwards every request to the emulator, and for ChangeResourceRecordSets
/// first enforces Route 53's rules, which moto does not (<see cref="Route53ChangeRules"/>), reading the zone from the
/// emulator: a refused batch is answered with HTTP 400 <c>InvalidChangeBatch</c> and nothing is forwarded. It injects faults on demand (<see cref="InjectFault"/>,
/// <see cref="InjectRedirect"/>) or from a seeded random schedule (<see cref="UseFaultSchedule"/>), counts every call,
/// and logs every change batch with its outcome (<see cref="Batches"/>) for wire audits.
/// </summary>
/// <remarks>
/// Change batches and record listings are handled one at a time, so that a batch is validated and applied atomically
/// and no listing sees a batch half applied, as on Route 53.
/// </remarks>
public sealed class Route53RuleProxy : LoopbackTcpServer
{
    private const string ReadAuthorization =
        "AWS4-HMAC-SHA256 Credential=AKIDRULEPROXY/20260101/us-east-1/route53/aws4_request, SignedHeaders=host, Signature=00";

    private static readonly HashSet<string> HopByHopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Content-Type", "Connection", "Keep-Alive", "Transfer-Encoding", "Expect", "Proxy-Connection",
    };

    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Uri _upstreamBase;
    private readonly SemaphoreSlim _zoneGate = new(1, 1);
    private readonly Lock _faultGate = new();
    private readonly List<QueuedFault> _queued = [];
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Route53FaultKind, int> _faults = new();
    private readonly ConcurrentQueue<Route53WireBatch> _batches = new();
    private readonly ConcurrentQueue<Route53ProxiedRequest> _requests = new();
    private readonly ConcurrentQueue<string> _proxyErrors = new();
    private readonly ConcurrentDictionary<string, string> _zoneNames = new(StringComparer.Ordinal);
    private Route53FaultSchedule? _schedule;
    private Random? _random;
    private int _total;
    private int _sequence;
    private int _redirects;

    private Route53RuleProxy(Uri upstream)
    {
        _upstreamBase = upstream;
        Start();
    }

    /// <summary>The proxy's base address (give this to the provider as its endpoint).</summary>
    public Uri Endpoint => BaseAddress;

    /// <summary>Whether ChangeResourceRecordSets is checked against Route 53's rules. <value>True.</value></summary>
    public bool EnforceRules { get; set; } = true;

    /// <summary>Whether the random schedule set by <see cref="UseFaultSchedule"/> injects faults (queued faults always do).</summary>
    public bool FaultsEnabled { get; set; }

    /// <summary>
    /// Called for an accepted change batch right before it is forwarded; returning false drops the connection without
    /// forwarding (a caller that went away before the request was processed).
    /// </summary>
    public Func<Route53WireBatch, bool>? BeforeForwarding { get; set; }

    /// <summary>Called after a change batch was applied, before its answer is sent.</summary>
    public Action<Route53WireBatch>? AfterForwarding { get; set; }

    /// <summary>Requests received, all operations.</summary>
    public int TotalCalls => Volatile.Read(ref _total);

    /// <summary>Requests received by operation.</summary>
    public IReadOnlyDictionary<string, int> CallsByOperation => new Dictionary<string, int>(_calls, StringComparer.Ordinal);

    /// <summary>Faults injected by kind (every kind present, zero when never injected).</summary>
    public IReadOnlyDictionary<Route53FaultKind, int> Faults =>
        Enum.GetValues<Route53FaultKind>().ToDictionary(k => k, k => _faults.GetValueOrDefault(k));

    /// <summary>Faults injected, all kinds (redirects not included).</summary>
    public int FaultsInjected => _faults.Values.Sum();

    /// <summary>Redirects answered.</summary>
    public int Redirects => Volatile.Read(ref _redirects);

    /// <summary>Every change batch received, in arrival order, with its outcome.</summary>
    public IReadOnlyList<Route53WireBatch> Batches => [.. _batches.OrderBy(b => b.Sequence)];

    /// <summary>Change batches refused by the rules.</summary>
    public int BatchesRefusedByRules => _batches.Count(b => b.Outcome == Route53BatchOutcome.RefusedByRules);

    /// <summary>Every request received, in arrival order.</summary>
    public IReadOnlyList<Route53ProxiedRequest> Requests => [.. _requests];

    /// <summary>Failures of the proxy itself (a bug in the test infrastructure; tests expect none).</summary>
    public IReadOnlyList<string> ProxyErrors => [.. _proxyErrors];

    /// <summary>Starts a proxy in front of an emulator.</summary>
    /// <param name="upstream">The emulator's base address (moto_server).</param>
    /// <returns>The running proxy.</returns>
    public static Route53RuleProxy Start(Uri upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        return new Route53RuleProxy(upstream);
    }

    /// <summary>The Route 53 operation a request maps to.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The path (no query).</param>
    /// <returns>The operation name, or <c>METHOD path</c> when unknown.</returns>
    public static string OperationOf(string method, string path)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        return (method, path) switch
        {
            ("GET", _) when path.EndsWith("/hostedzone", StringComparison.Ordinal) => "ListHostedZones",
            ("GET", _) when path.EndsWith("/rrset", StringComparison.Ordinal) || path.EndsWith("/rrset/", StringComparison.Ordinal) => "ListResourceRecordSets",
            ("POST", _) when path.EndsWith("/rrset", StringComparison.Ordinal) || path.EndsWith("/rrset/", StringComparison.Ordinal) => "ChangeResourceRecordSets",
            ("POST", _) when path.Contains("/tags/", StringComparison.Ordinal) => "ListTagsForResources",
            ("GET", _) when path.Contains("/change/", StringComparison.Ordinal) => "GetChange",
            ("GET", _) when path.Contains("/hostedzone/", StringComparison.Ordinal) => "GetHostedZone",
            _ => method + " " + path,
        };
    }

    /// <summary>Answers the next <paramref name="times"/> matching requests with a fault instead of forwarding them.</summary>
    /// <param name="kind">The fault.</param>
    /// <param name="times">How many requests.</param>
    /// <param name="operation">Only requests of this operation; any when null.</param>
    public void InjectFault(Route53FaultKind kind, int times = 1, string? operation = null)
    {
        lock (_faultGate)
        {
            for (var i = 0; i < times; i++)
            {
                _queued.Add(new QueuedFault(kind, null, operation));
            }
        }
    }

    /// <summary>Answers the next matching requests with a redirect (HTTP 307 by default) to <paramref name="location"/>.</summary>
    /// <param name="location">Where to send the caller.</param>
    /// <param name="times">How many requests.</param>
    /// <param name="operation">Only requests of this operation; any when null.</param>
    public void InjectRedirect(Uri location, int times = 1, string? operation = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        lock (_faultGate)
        {
            for (var i = 0; i < times; i++)
            {
                _queued.Add(new QueuedFault(null, location, operation));
            }
        }
    }

    /// <summary>Sets the random fault schedule (a fresh <see cref="Random"/> from its seed); null removes it.</summary>
    /// <param name="schedule">The schedule.</param>
    public void UseFaultSchedule(Route53FaultSchedule? schedule)
    {
        lock (_faultGate)
        {
            _schedule = schedule;
            _random = schedule is null ? null : new Random(schedule.Seed);
        }
    }

    /// <summary>Clears counters, logs, queued faults, the schedule and the hooks; rules stay enforced.</summary>
    public void Reset()
    {
        lock (_faultGate)
        {
            _queued.Clear();
            _schedule = null;
            _random = null;
        }

        FaultsEnabled = false;
        EnforceRules = true;
        BeforeForwarding = null;
        AfterForwarding = null;
        _calls.Clear();
        _faults.Clear();
        _batches.Clear();
        _requests.Clear();
        _proxyErrors.Clear();
        Interlocked.Exchange(ref _total, 0);
        Interlocked.Exchange(ref _redirects, 0);
    }

    /// <summary>Calls of one operation.</summary>
    /// <param name="operation">The operation, for example <c>ChangeResourceRecordSets</c>.</param>
    /// <returns>The count.</returns>
    public int Calls(string operation) => _calls.GetValueOrDefault(operation);

    /// <summary>Reads every record set of a zone straight from the emulator (no rules, no faults, not counted).</summary>
    /// <param name="zoneId">The bare zone id.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The record sets, or null when the zone does not exist.</returns>
    public async Task<IReadOnlyList<Route53RecordSetXml>?> ReadZoneAsync(string zoneId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(zoneId);
        var sets = new Dictionary<(string, string, string), Route53RecordSetXml>();
        string? name = null, type = null;
        while (true)
        {
            var query = "maxitems=300" + (name is null ? string.Empty : "&name=" + Uri.EscapeDataString(name) + (type is null ? string.Empty : "&type=" + Uri.EscapeDataString(type)));
            var (status, body) = await GetAsync($"/2013-04-01/hostedzone/{Uri.EscapeDataString(zoneId)}/rrset?{query}", cancellationToken).ConfigureAwait(false);
            if (status == HttpStatusCode.NotFound)
            {
                return null;
            }

            EnsureSuccess(status, body, "ListResourceRecordSets");
            var root = XDocument.Parse(body).Root;
            var added = 0;
            foreach (var e in Route53RecordSetXml.Children(Route53RecordSetXml.Child(root, "ResourceRecordSets"), "ResourceRecordSet"))
            {
                var set = new Route53RecordSetXml(e);
                if (sets.TryAdd(set.Key, set))
                {
                    added++;
                }
            }

            if (!string.Equals(Route53RecordSetXml.Text(root, "IsTruncated"), "true", StringComparison.OrdinalIgnoreCase))
            {
                return [.. sets.Values];
            }

            if (added == 0)
            {
                throw new InvalidOperationException($"the emulator's listing of zone {zoneId} does not advance at {name} {type}");
            }

            name = Route53RecordSetXml.Text(root, "NextRecordName");
            type = Route53RecordSetXml.Text(root, "NextRecordType");
        }
    }

    /// <summary>
    /// Record set keys the emulator holds more than once (moto appends a duplicate on a CREATE it does not check;
    /// Route 53 never holds two), read straight from the emulator in one listing.
    /// </summary>
    /// <param name="zoneId">The bare zone id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The duplicated keys as "name TYPE [set]".</returns>
    public async Task<IReadOnlyList<string>> DuplicateRecordSetsAsync(string zoneId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(zoneId);
        var (status, body) = await GetAsync($"/2013-04-01/hostedzone/{Uri.EscapeDataString(zoneId)}/rrset?maxitems=100000", cancellationToken).ConfigureAwait(false);
        EnsureSuccess(status, body, "ListResourceRecordSets");
        var root = XDocument.Parse(body).Root;
        if (string.Equals(Route53RecordSetXml.Text(root, "IsTruncated"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"zone {zoneId} has more record sets than one listing holds");
        }

        return [.. Route53RecordSetXml.Children(Route53RecordSetXml.Child(root, "ResourceRecordSets"), "ResourceRecordSet")
            .Select(e => new Route53RecordSetXml(e))
            .GroupBy(set => set.Key)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key.Name} {g.Key.Type} [{g.Key.SetIdentifier}] x{g.Count()}")];
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore().ConfigureAwait(false);
        _upstream.Dispose();
        _zoneGate.Dispose();
    }

    private static string CallerOf(string? authorization)
    {
        const string marker = "Credential=";
        var start = authorization?.IndexOf(marker, StringComparison.Ordinal) ?? -1;
        if (start < 0)
        {
            return string.Empty;
        }

        start += marker.Length;
        var end = authorization!.IndexOf('/', start);
        return end < 0 ? string.Empty : authorization[start..end];
    }

    private static string ErrorBody(string type, string code, string message) =>
        $"<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"{Route53ChangeRules.Namespace}\"><Error><Type>{type}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>";

    private static (int Status, string Body) FaultResponse(Route53FaultKind kind) => kind switch
    {
        Route53FaultKind.Throttling => (400, ErrorBody("Sender", "Throttling", "Rate exceeded")),
        Route53FaultKind.PriorRequestNotComplete => (400, ErrorBody("Sender", "PriorRequestNotComplete", "The request was rejected because Route 53 was still processing a prior request.")),
        Route53FaultKind.InternalError => (500, ErrorBody("Receiver", "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.")),
        Route53FaultKind.ServiceUnavailable => (503, ErrorBody("Receiver", "ServiceUnavailable", "Service is unable to handle request.")),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an answered fault"),
    };

    private static void EnsureSuccess(HttpStatusCode status, string body, string operation)
    {
        if ((int)status is < 200 or > 299)
        {
            throw new InvalidOperationException($"the emulator failed {operation}: {(int)status} {body}");
        }
    }

    private static ProxyResponse Xml(int status, string body) => new(status, "text/xml", Encoding.UTF8.GetBytes(body), null);

    /// <summary>Serves the requests of one connection in turn (HTTP/1.1 keep-alive) until the caller closes it or a fault drops it.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="stopping">Cancelled when the proxy is disposed.</param>
    /// <returns>A task that completes when the connection is done with.</returns>
    protected override async Task ServeAsync(TcpClient connection, CancellationToken stopping)
    {
        var stream = connection.GetStream();
        var reader = new HttpRequestReader(stream);
        while (!stopping.IsCancellationRequested)
        {
            var request = await reader.ReadAsync(stopping).ConfigureAwait(false);
            if (request is null)
            {
                return;
            }

            ProxyResponse? response;
            try
            {
                response = await HandleAsync(request).ConfigureAwait(false);
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                _proxyErrors.Enqueue(e.ToString());
                response = new ProxyResponse(599, "text/plain", Encoding.UTF8.GetBytes("Route53RuleProxy failed: " + e.Message), null);
            }

            if (response is null)
            {
                // Drop: reset the connection without a byte of answer.
                connection.Client.LingerState = new LingerOption(true, 0);
                return;
            }

            await response.WriteAsync(stream, stopping).ConfigureAwait(false);
            if (request.WantsClose)
            {
                return;
            }
        }
    }

    /// <summary>Answers one request; null drops the connection.</summary>
    private async Task<ProxyResponse?> HandleAsync(HttpWireRequest request)
    {
        var operation = OperationOf(request.Method, request.Path);
        var caller = CallerOf(request.Header("Authorization"));
        Interlocked.Increment(ref _total);
        _calls.AddOrUpdate(operation, 1, (_, n) => n + 1);
        _requests.Enqueue(new Route53ProxiedRequest(request.Method, request.Target, operation, caller, request.Header("Authorization") is not null, request.Header("X-Amz-Security-Token") is not null));

        var fault = NextFault(operation);
        if (fault?.RedirectTo is { } location)
        {
            Interlocked.Increment(ref _redirects);
            return new ProxyResponse(307, null, [], location.ToString());
        }

        if (fault?.Kind is { } kind)
        {
            _faults.AddOrUpdate(kind, 1, (_, n) => n + 1);
            if (kind is not Route53FaultKind.DroppedAfterForwarding)
            {
                if (operation == "ChangeResourceRecordSets")
                {
                    RecordUnforwarded(caller, request.Target, request.Body, kind.ToString());
                }

                if (kind == Route53FaultKind.DroppedBeforeForwarding)
                {
                    return null;
                }

                var (status, text) = FaultResponse(kind);
                return Xml(status, text);
            }
        }

        var dropAfter = fault?.Kind == Route53FaultKind.DroppedAfterForwarding;
        if (operation == "ChangeResourceRecordSets" && EnforceRules)
        {
            return await HandleChangeBatchAsync(request, caller, dropAfter).ConfigureAwait(false);
        }

        var serialized = operation is "ChangeResourceRecordSets" or "ListResourceRecordSets";
        if (serialized)
        {
            await _zoneGate.WaitAsync().ConfigureAwait(false);
        }

        ProxyResponse answer;
        try
        {
            answer = await ForwardAsync(request, request.Method, request.Target, request.Body).ConfigureAwait(false);
        }
        finally
        {
            if (serialized)
            {
                _zoneGate.Release();
            }
        }

        return dropAfter ? null : answer;
    }

    private async Task<ProxyResponse?> HandleChangeBatchAsync(HttpWireRequest request, string caller, bool dropAfter)
    {
        var zoneId = ZoneIdOf(request.Target);
        IReadOnlyList<Route53ChangeXml> changes;
        try
        {
            changes = Route53ChangeRules.ParseBatch(request.Body);
        }
        catch (FormatException e)
        {
            return Xml(400, ErrorBody("Sender", "InvalidInput", "Invalid XML ; " + e.Message));
        }

        var wire = changes.Select(c => new Route53WireChange(c.Action, c.RecordSet.Name, c.RecordSet.Type, c.RecordSet.SetIdentifier)).ToList();
        await _zoneGate.WaitAsync().ConfigureAwait(false);
        try
        {
            var zoneName = await ZoneNameAsync(zoneId).ConfigureAwait(false);
            var current = zoneName is null ? null : await ReadZoneAsync(zoneId).ConfigureAwait(false);
            if (zoneName is null || current is null)
            {
                Record(caller, zoneId, wire, Route53BatchOutcome.RefusedUpstream, ["NoSuchHostedZone"]);
                return dropAfter ? null : Xml(404, ErrorBody("Sender", "NoSuchHostedZone", $"No hosted zone found with ID: {zoneId}"));
            }

            var verdict = Route53ChangeRules.Evaluate(zoneName, current, changes);
            if (!verdict.Accepted)
            {
                Record(caller, zoneId, wire, Route53BatchOutcome.RefusedByRules, verdict.Messages);
                return dropAfter ? null : Xml(400, Route53ChangeRules.InvalidChangeBatchBody(verdict.Messages, Guid.NewGuid().ToString()));
            }

            var pending = new Route53WireBatch(0, caller, zoneId, wire, Route53BatchOutcome.Applied, []);
            if (BeforeForwarding is { } before && !before(pending))
            {
                Record(caller, zoneId, wire, Route53BatchOutcome.NotForwarded, ["dropped before forwarding by the test's hook"]);
                return null;
            }

            var path = $"/2013-04-01/hostedzone/{Uri.EscapeDataString(zoneId)}/rrset/";
            ProxyResponse? answer = null;
            foreach (var emulatorBody in verdict.EmulatorBodies)
            {
                answer = await ForwardAsync(request, "POST", path, emulatorBody).ConfigureAwait(false);
                if (answer.Status is < 200 or > 299)
                {
                    Record(caller, zoneId, wire, Route53BatchOutcome.RefusedUpstream, [Encoding.UTF8.GetString(answer.Body)]);
                    return dropAfter ? null : answer;
                }
            }

            var applied = Record(caller, zoneId, wire, dropAfter ? Route53BatchOutcome.AppliedAnswerLost : Route53BatchOutcome.Applied, []);
            AfterForwarding?.Invoke(applied);
            return dropAfter ? null : answer;
        }
        finally
        {
            _zoneGate.Release();
        }
    }

    private void RecordUnforwarded(string caller, string pathAndQuery, byte[] body, string reason)
    {
        IReadOnlyList<Route53WireChange> wire;
        try
        {
            wire = [.. Route53ChangeRules.ParseBatch(body).Select(c => new Route53WireChange(c.Action, c.RecordSet.Name, c.RecordSet.Type, c.RecordSet.SetIdentifier))];
        }
        catch (FormatException)
        {
            wire = [];
        }

        Record(caller, ZoneIdOf(pathAndQuery), wire, Route53BatchOutcome.NotForwarded, [reason]);
    }

    private Route53WireBatch Record(string caller, string zoneId, IReadOnlyList<Route53WireChange> changes, Route53BatchOutcome outcome, IReadOnlyList<string> messages)
    {
        var batch = new Route53WireBatch(Interlocked.Increment(ref _sequence), caller, zoneId, changes, outcome, messages);
        _batches.Enqueue(batch);
        return batch;
    }

    private static string ZoneIdOf(string pathAndQuery)
    {
        var path = pathAndQuery.Split('?', 2)[0];
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var index = Array.IndexOf(parts, "hostedzone");
        return index >= 0 && index + 1 < parts.Length ? Uri.UnescapeDataString(parts[index + 1]) : string.Empty;
    }

    private QueuedFault? NextFault(string operation)
    {
        lock (_faultGate)
        {
            var index = _queued.FindIndex(q => q.Operation is null || q.Operation == operation);
            if (index >= 0)
            {
                var queued = _queued[index];
                _queued.RemoveAt(index);
                return queued;
            }

            if (!FaultsEnabled || _schedule is not { } schedule || _random is not { } random || !schedule.Operations(operation) || schedule.Kinds.Count == 0)
            {
                return null;
            }

            return random.NextDouble() < schedule.Rate
                ? new QueuedFault(schedule.Kinds[random.Next(schedule.Kinds.Count)], null, null)
                : null;
        }
    }

    private async Task<string?> ZoneNameAsync(string zoneId)
    {
        if (_zoneNames.TryGetValue(zoneId, out var known))
        {
            return known;
        }

        var (status, body) = await GetAsync($"/2013-04-01/hostedzone/{Uri.EscapeDataString(zoneId)}", CancellationToken.None).ConfigureAwait(false);
        if (status == HttpStatusCode.NotFound)
        {
            return null;
        }

        EnsureSuccess(status, body, "GetHostedZone");
        var name = Route53RecordSetXml.Text(Route53RecordSetXml.Child(XDocument.Parse(body).Root, "HostedZone"), "Name")
            ?? throw new InvalidOperationException("GetHostedZone answered without a zone name");
        return _zoneNames[zoneId] = name;
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(_upstreamBase, pathAndQuery));
        message.Headers.TryAddWithoutValidation("Authorization", ReadAuthorization);
        using var response = await _upstream.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    private async Task<ProxyResponse> ForwardAsync(HttpWireRequest request, string method, string pathAndQuery, byte[] body)
    {
        using var message = new HttpRequestMessage(new HttpMethod(method), new Uri(_upstreamBase, pathAndQuery));
        foreach (var (name, value) in request.Headers)
        {
            if (!HopByHopHeaders.Contains(name))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (body.Length > 0 || method == "POST")
        {
            message.Content = new ByteArrayContent(body);
            if (request.Header("Content-Type") is { } contentType)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        using var response = await _upstream.SendAsync(message).ConfigureAwait(false);
        return new ProxyResponse(
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.ToString(),
            await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false),
            response.Headers.Location?.ToString());
    }

    private sealed record QueuedFault(Route53FaultKind? Kind, Uri? RedirectTo, string? Operation);

    /// <summary>An answer to write back.</summary>
    private sealed record ProxyResponse(int Status, string? ContentType, byte[] Body, string? Location)
    {
        public async Task WriteAsync(Stream stream, CancellationToken cancellationToken)
        {
            var head = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {Status} {Reason(Status)}\r\n")
                .Append(CultureInfo.InvariantCulture, $"Content-Length: {Body.Length}\r\n")
                .Append("x-amzn-RequestId: ").Append(Guid.NewGuid()).Append("\r\n");
            if (ContentType is not null)
            {
                head.Append("Content-Type: ").Append(ContentType).Append("\r\n");
            }

            if (Location is not null)
            {
                head.Append("Location: ").Append(Location).Append("\r\n");
            }

            head.Append("\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken).ConfigureAwait(false);
            await stream.WriteAsync(Body, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        private static string Reason(int status) => status switch
        {
            200 => "OK",
            307 => "Temporary Redirect",
            400 => "Bad Request",
            403 => "Forbidden",
            404 => "Not Found",
            500 => "Internal Server Error",
            503 => "Service Unavailable",
            _ => "Status",
        };
    }
}
