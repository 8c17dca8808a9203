using Microsoft.Extensions.Options;

namespace Ccx.Dns.Providers.PowerDns;

/// <summary>Checks <see cref="PowerDnsProviderOptions"/> and reports every problem at once.</summary>
public sealed class PowerDnsProviderOptionsValidator : IValidateOptions<PowerDnsProviderOptions>
{
    /// <summary>The largest timeout accepted (the limit of a cancellation timer).</summary>
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PowerDnsProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Lists the problems of the options; empty when they are valid.</summary>
    /// <param name="options">The options.</param>
    /// <returns>One message per problem, naming the setting.</returns>
    internal static List<string> Collect(PowerDnsProviderOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ApiUrl))
        {
            errors.Add($"{nameof(PowerDnsProviderOptions.ApiUrl)} is required (for example http://127.0.0.1:8081).");
        }
        else if (!Uri.TryCreate(options.ApiUrl.Trim(), UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            // The URL is not secret, but it could carry user information; name the rule, not the value.
            errors.Add($"{nameof(PowerDnsProviderOptions.ApiUrl)} must be an absolute http or https URL.");
        }
        else if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
        {
            errors.Add($"{nameof(PowerDnsProviderOptions.ApiUrl)} must not have a query or fragment; put the key in {nameof(PowerDnsProviderOptions.ApiKey)}.");
        }

        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            errors.Add($"{nameof(PowerDnsProviderOptions.ApiKey)} is required.");
        }
        else if (options.ApiKey.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            errors.Add($"{nameof(PowerDnsProviderOptions.ApiKey)} must not contain line breaks.");
        }

        if (string.IsNullOrWhiteSpace(options.ServerId))
        {
            errors.Add($"{nameof(PowerDnsProviderOptions.ServerId)} is required (PowerDNS Authoritative uses '{PowerDnsProviderOptions.DefaultServerId}').");
        }
        else if (options.ServerId.Contains('/', StringComparison.Ordinal))
        {
            errors.Add($"{nameof(PowerDnsProviderOptions.ServerId)} must not contain '/'.");
        }

        if (options.DefaultTtl < 1)
        {
            errors.Add($"{nameof(PowerDnsProviderOptions.DefaultTtl)} must be at least 1 second (was {options.DefaultTtl}).");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > MaxTimeout)
        {
            errors.Add($"{nameof(PowerDnsProviderOptions.Timeout)} must be greater than zero and at most {MaxTimeout} (was {options.Timeout}).");
        }

        if (options.CreatedZoneSoaMinimum < TimeSpan.FromSeconds(1) || options.CreatedZoneSoaMinimum > TimeSpan.FromSeconds(int.MaxValue))
        {
            errors.Add($"{nameof(PowerDnsProviderOptions.CreatedZoneSoaMinimum)} must be a whole number of seconds from 1 to {int.MaxValue} (was {options.CreatedZoneSoaMinimum}).");
        }

        CheckDomains(options.CreatedZoneNameservers, nameof(PowerDnsProviderOptions.CreatedZoneNameservers), errors);
        CheckDomains(options.IncludeDomains, nameof(PowerDnsProviderOptions.IncludeDomains), errors);
        CheckDomains(options.ExcludeDomains, nameof(PowerDnsProviderOptions.ExcludeDomains), errors);
        return errors;
    }

    private static void CheckDomains(IList<string> domains, string setting, List<string> errors)
    {
        if (domains is null)
        {
            errors.Add($"{setting} must not be null.");
            return;
        }

        for (var i = 0; i < domains.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(domains[i]))
            {
                errors.Add($"{setting}[{i}] is empty.");
            }
        }
    }
}
