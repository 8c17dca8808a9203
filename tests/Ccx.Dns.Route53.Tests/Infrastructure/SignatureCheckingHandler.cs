using System.Globalization;
using System.Net;
using System.Text;

namespace Ccx.Dns.Route53.Tests.Infrastructure;

/// <summary>
/// Does what moto does not: recomputes the SigV4 signature of every request exactly as it goes on the wire (URL
/// as sent, Host with port, the signed headers the request names) with <see cref="SigV4Reference"/>, and answers
/// 403 <c>SignatureDoesNotMatch</c> when it differs.
/// </summary>
public sealed class SignatureCheckingHandler(string secretKey) : DelegatingHandler
{
    private int _verified;
    private int _mismatches;

    public int Verified => Volatile.Read(ref _verified);

    public int Mismatches => Volatile.Read(ref _mismatches);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!Check(request, await ReadBodyAsync(request, cancellationToken)))
        {
            Interlocked.Increment(ref _mismatches);
            return new HttpResponseMessage(HttpStatusCode.Forbidden)
            {
                Content = new StringContent(
                    "<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error></ErrorResponse>",
                    Encoding.UTF8,
                    "text/xml"),
            };
        }

        Interlocked.Increment(ref _verified);
        return await base.SendAsync(request, cancellationToken);
    }

    public bool Check(HttpRequestMessage request, byte[] body)
    {
        if (!request.Headers.TryGetValues("Authorization", out var auth))
        {
            return false;
        }

        var header = auth.Single();
        var signedHeaders = Part(header, "SignedHeaders=").Split(';');
        var signature = Part(header, "Signature=");
        var amzDate = request.Headers.GetValues("X-Amz-Date").Single();
        var at = DateTime.ParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var uri = request.RequestUri!;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var name in signedHeaders)
        {
            string value = name switch
            {
                "host" => uri.IsDefaultPort ? uri.Host : uri.Host + ":" + uri.Port.ToString(CultureInfo.InvariantCulture),
                "content-type" => request.Content?.Headers.ContentType?.ToString() ?? string.Empty,
                _ => string.Join(',', request.Headers.GetValues(name)),
            };
            headers.Add(new(name, value));
        }

        var expected = SigV4Reference.Sign(request.Method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), headers, body, secretKey, at);
        return string.Equals(expected.Signature, signature, StringComparison.Ordinal);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);

    private static string Part(string header, string key)
    {
        var start = header.IndexOf(key, StringComparison.Ordinal) + key.Length;
        var end = header.IndexOf(',', start);
        return (end < 0 ? header[start..] : header[start..end]).Trim();
    }
}
