using Microsoft.Extensions.Options;

namespace Ccx.Dns.Route53;

/// <summary>Validates <see cref="Route53ProviderOptions"/>, reporting every error at once.</summary>
public sealed class Route53ProviderOptionsValidator : IValidateOptions<Route53ProviderOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, Route53ProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Endpoint is null || !options.Endpoint.IsAbsoluteUri || (options.Endpoint.Scheme != Uri.UriSchemeHttps && options.Endpoint.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add("Endpoint must be an absolute http or https URI.");
        }

        if (string.IsNullOrWhiteSpace(options.SigningRegion))
        {
            errors.Add("SigningRegion must be set (us-east-1 for the aws partition).");
        }

        if (options.Credentials is not null && !string.IsNullOrEmpty(options.Profile))
        {
            errors.Add("Set either Credentials or Profile, not both.");
        }

        CheckEntries(errors, options.DomainFilter, nameof(options.DomainFilter));
        CheckEntries(errors, options.ExcludeDomains, nameof(options.ExcludeDomains));
        CheckEntries(errors, options.ZoneIdFilter, nameof(options.ZoneIdFilter));
        foreach (var tag in options.ZoneTags)
        {
            var key = tag?.Split('=', 2)[0].Trim();
            if (string.IsNullOrEmpty(key))
            {
                errors.Add($"ZoneTags entry '{tag}' must be 'key' or 'key=value' with a non-empty key.");
            }
        }

        foreach (var (suffix, zoneId) in options.CanonicalHostedZones)
        {
            if (string.IsNullOrWhiteSpace(suffix) || string.IsNullOrWhiteSpace(zoneId))
            {
                errors.Add("CanonicalHostedZones entries need a non-empty host suffix and hosted zone id.");
            }
        }

        if (options.ZonesCacheDuration < TimeSpan.Zero)
        {
            errors.Add("ZonesCacheDuration must not be negative.");
        }

        Range(errors, options.MaxChangesPerBatch, 1, 1000, nameof(options.MaxChangesPerBatch));
        Range(errors, options.MaxValuesPerBatch, 1, 1000, nameof(options.MaxValuesPerBatch));
        Range(errors, options.MaxValueCharactersPerBatch, 1, 32000, nameof(options.MaxValueCharactersPerBatch));
        Range(errors, options.MaxAttempts, 1, 20, nameof(options.MaxAttempts));
        Range(errors, options.RequestBurst, 1, 1000, nameof(options.RequestBurst));
        if (options.DefaultTtl is < 1 or > int.MaxValue)
        {
            errors.Add("DefaultTtl must be between 1 and 2147483647 seconds.");
        }

        if (!(options.RequestsPerSecond > 0) || double.IsInfinity(options.RequestsPerSecond))
        {
            errors.Add("RequestsPerSecond must be a positive number.");
        }

        if (options.RetryBaseDelay <= TimeSpan.Zero)
        {
            errors.Add("RetryBaseDelay must be positive.");
        }

        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            errors.Add("RetryMaxDelay must not be shorter than RetryBaseDelay.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add("RequestTimeout must be positive.");
        }

        if (options.InSyncPollInterval <= TimeSpan.Zero || options.InSyncTimeout <= TimeSpan.Zero)
        {
            errors.Add("InSyncPollInterval and InSyncTimeout must be positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckEntries(List<string> errors, IList<string> values, string property)
    {
        foreach (var value in values)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{property} must not contain empty entries.");
                return;
            }
        }
    }

    private static void Range(List<string> errors, int value, int min, int max, string property)
    {
        if (value < min || value > max)
        {
            errors.Add($"{property} must be between {min} and {max} (was {value}).");
        }
    }
}
