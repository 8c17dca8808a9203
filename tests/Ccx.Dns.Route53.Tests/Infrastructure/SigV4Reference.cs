using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ccx.Dns.Route53.Tests.Infrastructure;

/// <summary>
/// An independent AWS Signature Version 4 computation written from the spec (canonical request, string to sign,
/// HMAC key chain), used to check the known-answer vectors and to verify what the provider actually sends.
/// </summary>
public static class SigV4Reference
{
    public sealed record Result(string CanonicalRequest, string CanonicalRequestHash, string Signature);

    /// <param name="rawQuery">The query as sent on the wire, without '?'.</param>
    /// <param name="headers">Headers to sign (any case); values are trimmed.</param>
    public static Result Sign(
        string method, string path, string rawQuery, IEnumerable<KeyValuePair<string, string>> headers, byte[] body,
        string secretKey, DateTime signedAt, string region = "us-east-1", string service = "route53")
    {
        var amzDate = signedAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var sortedHeaders = headers
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: string.Join(' ', h.Value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        var canonicalHeaders = string.Concat(sortedHeaders.Select(h => h.Name + ":" + h.Value + "\n"));
        var signedHeaders = string.Join(';', sortedHeaders.Select(h => h.Name));
        var canonicalRequest = string.Join('\n',
            method,
            CanonicalUri(path),
            CanonicalQuery(rawQuery),
            canonicalHeaders,
            signedHeaders,
            Hex(SHA256.HashData(body)));
        var canonicalHash = Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{canonicalHash}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return new Result(canonicalRequest, canonicalHash, Hex(Hmac(key, stringToSign)));
    }

    public static string CanonicalQuery(string rawQuery)
    {
        if (string.IsNullOrEmpty(rawQuery))
        {
            return string.Empty;
        }

        return string.Join('&', rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p =>
            {
                var eq = p.IndexOf('=');
                var k = Uri.UnescapeDataString(eq < 0 ? p : p[..eq]);
                var v = eq < 0 ? string.Empty : Uri.UnescapeDataString(p[(eq + 1)..]);
                return (K: Rfc3986(k), V: Rfc3986(v));
            })
            .OrderBy(p => p.K, StringComparer.Ordinal)
            .ThenBy(p => p.V, StringComparer.Ordinal)
            .Select(p => p.K + "=" + p.V));
    }

    private static string CanonicalUri(string path) =>
        string.Join('/', path.Split('/').Select(s => Rfc3986(Rfc3986(Uri.UnescapeDataString(s)))));

    private static string Rfc3986(string value)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
