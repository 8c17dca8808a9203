using Ccx.Dns.Rfc2136.Tsig;
using Ccx.Dns.Rfc2136.Wire;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Rfc2136;

/// <summary>Validates <see cref="Rfc2136ProviderOptions"/>, reporting every error at once. Never echoes the TSIG secret.</summary>
public sealed class Rfc2136ProviderOptionsValidator : IValidateOptions<Rfc2136ProviderOptions>
{
    /// <summary>The largest TTL DNS allows (2^31 − 1, RFC 2181 §8).</summary>
    public const long MaxTtl = int.MaxValue;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, Rfc2136ProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            errors.Add("Host is required (the DNS server's name or IP address).");
        }

        if (options.Port is < 1 or > 65535)
        {
            errors.Add($"Port must be 1-65535; it is {options.Port}.");
        }

        if (options.Zones.Count == 0)
        {
            errors.Add("Zones must list at least one zone.");
        }

        foreach (var zone in options.Zones)
        {
            if (string.IsNullOrWhiteSpace(zone) || zone.Trim() == ".")
            {
                errors.Add("Zones must not contain an empty or root zone.");
                continue;
            }

            try
            {
                _ = DnsNameText.ToLabels(zone.Trim());
            }
            catch (DnsFormatException e)
            {
                errors.Add($"Zone '{zone}' is not a valid DNS name: {e.Message}");
            }
        }

        var hasKey = !string.IsNullOrWhiteSpace(options.TsigKeyName);
        var hasSecret = !string.IsNullOrEmpty(options.TsigSecret);
        if (hasKey != hasSecret)
        {
            errors.Add(hasKey
                ? $"TsigSecret is required when TsigKeyName ('{options.TsigKeyName}') is set."
                : "TsigKeyName is required when TsigSecret is set.");
        }

        if (!TsigKey.TryNormalizeAlgorithm(options.TsigAlgorithm, out _))
        {
            errors.Add($"TsigAlgorithm '{options.TsigAlgorithm}' is not supported; use hmac-sha256, hmac-sha512, hmac-sha384 or hmac-sha1.");
        }

        if (hasKey && hasSecret)
        {
            try
            {
                _ = new TsigKey(options.TsigKeyName!, TsigKey.TryNormalizeAlgorithm(options.TsigAlgorithm, out var a) ? a : "hmac-sha256", options.TsigSecret!);
            }
            catch (ArgumentException e)
            {
                errors.Add(e.Message.Split(" (Parameter", 2)[0] + ".");
            }
        }

        if (options.TsigFudgeSeconds is < 0 or > ushort.MaxValue)
        {
            errors.Add($"TsigFudgeSeconds must be 0-65535; it is {options.TsigFudgeSeconds}.");
        }

        if (options.BatchSize < 1)
        {
            errors.Add($"BatchSize must be at least 1; it is {options.BatchSize}.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout == Timeout.InfiniteTimeSpan)
        {
            errors.Add($"Timeout must be positive and finite; it is {options.Timeout}.");
        }

        if (options.MinTtl is < 0 or > MaxTtl)
        {
            errors.Add($"MinTtl must be 0-{MaxTtl} seconds; it is {options.MinTtl}.");
        }

        if (options.DefaultTtl is < 1 or > MaxTtl)
        {
            errors.Add($"DefaultTtl must be 1-{MaxTtl} seconds; it is {options.DefaultTtl}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
