using System.Globalization;
using System.Net;
using System.Text.Json;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.Webhook;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Ccx.Dns.Hosting.Webhook.Internal;

/// <summary>
/// Serves one <see cref="IDnsProvider"/> over ExternalDNS's webhook protocol: negotiation, records, apply, adjust and
/// the probe, with the protocol's status codes (400 malformed, 413 too large, 415 and 406 for media types, 403 for
/// remote clients, 503 for the provider's transient failures, 422 for its permanent ones) and the exact media type on
/// every JSON answer. Error bodies are <see cref="ExternalDnsWebhookProblem"/>s.
/// </summary>
internal sealed class ExternalDnsWebhookHandler(IDnsProvider provider, ExternalDnsWebhookServerOptions options, ILogger logger, CancellationToken stopping)
{
    private const string Negotiate = "negotiate (GET /)";
    private const string Records = "records (GET /records)";
    private const string Apply = "apply (POST /records)";
    private const string Adjust = "adjust (POST /adjustendpoints)";
    private static readonly byte[] Healthy = "ok"u8.ToArray();

    public Task NegotiateAsync(HttpContext context)
    {
        if (!Admit(context, Negotiate) || !Acceptable(context, Negotiate))
        {
            return Task.CompletedTask;
        }

        ExternalDnsWebhookJson.WriteDomainFilter(StartJson(context, StatusCodes.Status200OK), provider.DomainFilter);
        return context.Response.BodyWriter.FlushAsync(context.RequestAborted).AsTask();
    }

    public async Task RecordsAsync(HttpContext context)
    {
        if (!Admit(context, Records) || !Acceptable(context, Records))
        {
            return;
        }

        IReadOnlyList<DnsEndpoint> records;
        try
        {
            records = await provider.GetRecordsAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (Handled(context, Records, ex))
        {
            await WriteFailureAsync(context, Records, ex, isApply: false).ConfigureAwait(false);
            return;
        }

        ExternalDnsWebhookJson.WriteEndpoints(StartJson(context, StatusCodes.Status200OK), records);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public async Task ApplyAsync(HttpContext context)
    {
        if (!Admit(context, Apply) || !Acceptable(context, Apply) || !SupportedBody(context, Apply))
        {
            return;
        }

        using var body = await ReadBodyAsync(context, Apply).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        Planning.DnsChanges changes;
        try
        {
            changes = ExternalDnsWebhookJson.ReadChanges(body.Span);
        }
        catch (JsonException ex)
        {
            await RefuseAsync(context, Apply, StatusCodes.Status400BadRequest, "malformed changes", ex.Message).ConfigureAwait(false);
            return;
        }

        try
        {
            // Not cancelled when the client goes away: a write half-done because the caller hung up helps nobody, and the
            // client treats a dropped connection as an unknown outcome and reads again. Only stopping the host cancels it.
            await provider.ApplyChangesAsync(changes, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (Handled(context, Apply, ex))
        {
            await WriteFailureAsync(context, Apply, ex, isApply: true).ConfigureAwait(false);
            return;
        }

        Log.Applied(logger, changes.Create.Count, changes.UpdateNew.Count, changes.Delete.Count);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task AdjustAsync(HttpContext context)
    {
        if (!Admit(context, Adjust) || !Acceptable(context, Adjust) || !SupportedBody(context, Adjust))
        {
            return;
        }

        using var body = await ReadBodyAsync(context, Adjust).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        IReadOnlyList<DnsEndpoint> endpoints;
        try
        {
            endpoints = ExternalDnsWebhookJson.ReadEndpoints(body.Span);
        }
        catch (JsonException ex)
        {
            await RefuseAsync(context, Adjust, StatusCodes.Status400BadRequest, "malformed endpoints", ex.Message).ConfigureAwait(false);
            return;
        }

        IReadOnlyList<DnsEndpoint> adjusted;
        try
        {
            adjusted = provider.AdjustEndpoints(endpoints);
        }
        catch (Exception ex) when (Handled(context, Adjust, ex))
        {
            await WriteFailureAsync(context, Adjust, ex, isApply: false).ConfigureAwait(false);
            return;
        }

        ExternalDnsWebhookJson.WriteEndpoints(StartJson(context, StatusCodes.Status200OK), adjusted);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

#pragma warning disable CA1822 // an instance method like the other routes
    public Task HealthAsync(HttpContext context)
#pragma warning restore CA1822
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = Healthy.Length;
        return context.Response.Body.WriteAsync(Healthy, context.RequestAborted).AsTask();
    }

    /// <summary>Only loopback peers unless remote clients are allowed; a peer without an IP address (a Unix socket) is local.</summary>
    private bool Admit(HttpContext context, string call)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (options.AllowRemoteClients || remote is null || IPAddress.IsLoopback(remote))
        {
            return true;
        }

        Log.RemoteRefused(logger, call, remote.ToString());
        WriteProblem(context, StatusCodes.Status403Forbidden, "remote clients are not served", "this webhook server answers loopback clients only (AllowRemoteClients is off)");
        return false;
    }

    /// <summary>A client that sends <c>Accept</c> must accept the protocol's media type (or a wildcard); 406 otherwise.</summary>
    private bool Acceptable(HttpContext context, string call)
    {
        var accept = context.Request.Headers.Accept;
        if (accept.Count == 0)
        {
            return true;
        }

        if (MediaTypeHeaderValue.TryParseList(accept, out var values))
        {
            foreach (var value in values)
            {
                if (value.MatchesAllTypes || (value.Type.Equals("application", StringComparison.OrdinalIgnoreCase) && value.MatchesAllSubTypes) || IsProtocolMediaType(value))
                {
                    return true;
                }
            }
        }

        Refuse(context, call, StatusCodes.Status406NotAcceptable, "not acceptable", $"this server answers only {ExternalDnsWebhookProtocol.MediaType}; the request's Accept does not allow it");
        return false;
    }

    /// <summary>A request body, when typed, must be the protocol's media type or plain JSON; 415 otherwise.</summary>
    private bool SupportedBody(HttpContext context, string call)
    {
        var contentType = context.Request.ContentType;
        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        if (MediaTypeHeaderValue.TryParse(contentType, out var value)
            && (IsProtocolMediaType(value) || (value.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) && value.Parameters.All(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)))))
        {
            return true;
        }

        Refuse(context, call, StatusCodes.Status415UnsupportedMediaType, "unsupported media type", $"the request body must be {ExternalDnsWebhookProtocol.MediaType}");
        return false;
    }

    private static bool IsProtocolMediaType(MediaTypeHeaderValue value)
    {
        if (!value.MediaType.Equals("application/external.dns.webhook+json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var parameter in value.Parameters)
        {
            if (parameter.Name.Equals("version", StringComparison.OrdinalIgnoreCase) && !parameter.Value.Equals("1", StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads the body whole, under the limit; answers 413 (too large) or 400 (cut short) and returns <see langword="null"/> when it cannot.</summary>
    private async Task<RequestBody?> ReadBodyAsync(HttpContext context, string call)
    {
        var limit = options.MaxRequestBodySize;
        var declared = context.Request.ContentLength;
        if (declared > limit)
        {
            await RefuseAsync(context, call, StatusCodes.Status413PayloadTooLarge, "request body too large", TooLarge(declared.Value.ToString(CultureInfo.InvariantCulture) + " bytes")).ConfigureAwait(false);
            return null;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit + 1; // our own count decides; the server's default (30 MB) must not
        }

        try
        {
            var body = await RequestBody.ReadAsync(context.Request.Body, declared, limit, context.RequestAborted).ConfigureAwait(false);
            if (body is null)
            {
                await RefuseAsync(context, call, StatusCodes.Status413PayloadTooLarge, "request body too large", TooLarge("more")).ConfigureAwait(false);
            }

            return body;
        }
        catch (BadHttpRequestException ex)
        {
            await RefuseAsync(context, call, ex.StatusCode, "unreadable request body", ex.Message).ConfigureAwait(false);
            return null;
        }
    }

    private string TooLarge(string size) =>
        string.Create(CultureInfo.InvariantCulture, $"the body is larger than the limit of {options.MaxRequestBodySize} bytes ({size})");

    private bool Handled(HttpContext context, string call, Exception ex)
    {
        if (ex is OperationCanceledException && (context.RequestAborted.IsCancellationRequested || stopping.IsCancellationRequested))
        {
            Log.ClientGone(logger, call);
            return false; // the client or the host went away: nothing to answer
        }

        return true;
    }

    private Task WriteFailureAsync(HttpContext context, string call, Exception ex, bool isApply)
    {
        if (ex is DnsProviderException failure)
        {
            var status = failure.IsTransient ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status422UnprocessableEntity;
            Log.ProviderFailed(logger, call, failure.IsTransient, failure.IsPartial, status, failure.Message);
            WriteProblem(context, new ExternalDnsWebhookProblem
            {
                Title = failure is DnsRecordConflictException
                    ? "the DNS provider's records changed since they were read"
                    : failure.IsTransient ? "the DNS provider failed; trying again may succeed" : "the DNS provider refused",
                Status = status,
                Detail = failure.Message,
                Transient = failure.IsTransient,
                Partial = isApply && failure.IsPartial,
                Conflict = failure is DnsRecordConflictException,
                Rejected = failure.RejectedEndpoints,
            });
            return Task.CompletedTask;
        }

        // A bug or an unexpected failure in the provider: its text is not shown (it could hold anything).
        Log.UnexpectedFailure(logger, call, ex);
        WriteProblem(context, new ExternalDnsWebhookProblem
        {
            Title = "unexpected failure",
            Status = StatusCodes.Status500InternalServerError,
            Detail = $"the DNS provider failed unexpectedly ({ex.GetType().Name}); see the server's log",
            Transient = true,
            Partial = isApply,
        });
        return Task.CompletedTask;
    }

    private Task RefuseAsync(HttpContext context, string call, int status, string title, string detail)
    {
        Refuse(context, call, status, title, detail);
        return Task.CompletedTask;
    }

    private void Refuse(HttpContext context, string call, int status, string title, string detail)
    {
        Log.Refused(logger, call, status, detail);
        WriteProblem(context, status, title, detail);
    }

    private static void WriteProblem(HttpContext context, int status, string title, string detail) =>
        WriteProblem(context, new ExternalDnsWebhookProblem { Title = title, Status = status, Detail = detail, Transient = status >= 500 });

    private static void WriteProblem(HttpContext context, ExternalDnsWebhookProblem problem)
    {
        var response = context.Response;
        response.StatusCode = problem.Status;
        response.Headers.ContentType = ExternalDnsWebhookProtocol.ProblemMediaType;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers.RetryAfter = "1";
        }

        ExternalDnsWebhookJson.WriteProblem(response.BodyWriter, problem);
    }

    private static System.IO.Pipelines.PipeWriter StartJson(HttpContext context, int status)
    {
        var response = context.Response;
        response.StatusCode = status;

        // Set as raw text: ExternalDNS compares the header byte for byte, so no normalisation may add a space.
        response.Headers.ContentType = ExternalDnsWebhookProtocol.MediaType;
        return response.BodyWriter;
    }
}
