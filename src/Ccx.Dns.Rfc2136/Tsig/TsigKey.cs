using System.Security.Cryptography;
using Ccx.Dns.Rfc2136.Wire;

namespace Ccx.Dns.Rfc2136.Tsig;

/// <summary>
/// A TSIG key (RFC 8945): its name, HMAC algorithm and shared secret. The secret is never part of
/// <see cref="ToString"/> or any message.
/// </summary>
public sealed class TsigKey
{
    private readonly byte[] _secret;

    /// <summary>Creates a key.</summary>
    /// <param name="name">The key name, as configured on the server (for example <c>external-dns</c>).</param>
    /// <param name="algorithm">The algorithm name: <c>hmac-sha256</c>, <c>hmac-sha512</c>, <c>hmac-sha384</c> or <c>hmac-sha1</c>.</param>
    /// <param name="base64Secret">The shared secret, base64.</param>
    /// <exception cref="ArgumentException">The name, algorithm or secret is invalid (the message never includes the secret).</exception>
    public TsigKey(string name, string algorithm, string base64Secret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(base64Secret);
        try
        {
            _ = DnsNameText.ToLabels(name);
        }
        catch (DnsFormatException e)
        {
            throw new ArgumentException($"TSIG key name '{name}' is not a valid DNS name: {e.Message}", nameof(name));
        }

        Name = DnsNameText.TrimDot(name);
        if (!TryNormalizeAlgorithm(algorithm, out var normalized))
        {
            throw new ArgumentException(
                $"TSIG algorithm '{algorithm}' of key '{Name}' is not supported; use hmac-sha256, hmac-sha512, hmac-sha384 or hmac-sha1",
                nameof(algorithm));
        }

        Algorithm = normalized;
        _secret = new byte[base64Secret.Length];
        if (!Convert.TryFromBase64String(base64Secret, _secret, out var written) || written == 0)
        {
            throw new ArgumentException($"the secret of TSIG key '{Name}' is not valid non-empty base64", nameof(base64Secret));
        }

        _secret = _secret[..written];
    }

    /// <summary>The key name without a trailing dot.</summary>
    public string Name { get; }

    /// <summary>The algorithm's wire name, lower case, for example <c>hmac-sha256</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The length of this algorithm's MAC in bytes.</summary>
    public int MacSize => Algorithm switch
    {
        "hmac-sha1" => 20,
        "hmac-sha384" => 48,
        "hmac-sha512" => 64,
        _ => 32,
    };

    /// <summary>Normalises an algorithm name (case-insensitive, <c>hmac-</c> prefix optional, trailing dot ignored).</summary>
    /// <param name="algorithm">The name.</param>
    /// <param name="normalized">The wire name when supported.</param>
    /// <returns>Whether the algorithm is supported.</returns>
    public static bool TryNormalizeAlgorithm(string? algorithm, out string normalized)
    {
        var value = (algorithm ?? string.Empty).Trim().TrimEnd('.').ToUpperInvariant();
        if (!value.StartsWith("HMAC-", StringComparison.Ordinal))
        {
            value = "HMAC-" + value;
        }

        normalized = value switch
        {
            "HMAC-SHA256" => "hmac-sha256",
            "HMAC-SHA512" => "hmac-sha512",
            "HMAC-SHA384" => "hmac-sha384",
            "HMAC-SHA1" => "hmac-sha1",
            _ => string.Empty,
        };
        return normalized.Length > 0;
    }

    /// <summary>Describes the key without its secret.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"TSIG key '{Name}' ({Algorithm})";

    /// <summary>Starts an incremental HMAC with this key.</summary>
    /// <returns>The HMAC; dispose it after use.</returns>
    internal IncrementalHash CreateHmac() => IncrementalHash.CreateHMAC(
        Algorithm switch
        {
            "hmac-sha1" => HashAlgorithmName.SHA1,
            "hmac-sha384" => HashAlgorithmName.SHA384,
            "hmac-sha512" => HashAlgorithmName.SHA512,
            _ => HashAlgorithmName.SHA256,
        },
        _secret);
}
