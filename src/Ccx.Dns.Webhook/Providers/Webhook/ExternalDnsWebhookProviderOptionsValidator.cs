using System.Globalization;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Providers.Webhook;

/// <summary>Checks <see cref="ExternalDnsWebhookProviderOptions"/> and reports every problem at once.</summary>
public sealed class ExternalDnsWebhookProviderOptionsValidator : IValidateOptions<ExternalDnsWebhookProviderOptions>
{
    /// <summary>The largest timeout or delay accepted (the limit of a cancellation timer).</summary>
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>The most tries per call accepted.</summary>
    private const int MaxAttemptsLimit = 100;

    /// <summary>The smallest body limit accepted: room for a domain filter and an error text.</summary>
    private const long MinBodySize = 1024;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ExternalDnsWebhookProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Lists the problems of the options; empty when they are valid.</summary>
    /// <param name="options">The options.</param>
    /// <returns>One message per problem, naming the setting.</returns>
    internal static List<string> Collect(ExternalDnsWebhookProviderOptions options)
    {
        var errors = new List<string>();
        const string url = nameof(ExternalDnsWebhookProviderOptions.Url);
        if (string.IsNullOrWhiteSpace(options.Url))
        {
            errors.Add($"{url} is required (for example http://127.0.0.1:8888, ExternalDNS's --webhook-provider-url).");
        }
        else if (!Uri.TryCreate(options.Url.Trim(), UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            // The URL could carry a password; name the rule, not the value.
            errors.Add($"{url} must be an absolute http or https URL.");
        }
        else
        {
            if (!string.IsNullOrEmpty(parsed.UserInfo))
            {
                errors.Add($"{url} must not carry user information; send credentials with {nameof(ExternalDnsWebhookProviderOptions.RequestHeaders)}.");
            }

            if (!string.IsNullOrEmpty(parsed.Query) || !string.IsNullOrEmpty(parsed.Fragment))
            {
                errors.Add($"{url} must not have a query or fragment.");
            }
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > MaxTimer)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{nameof(ExternalDnsWebhookProviderOptions.Timeout)} must be greater than zero and at most {MaxTimer} (was {options.Timeout})."));
        }

        if (options.MaxAttempts is < 1 or > MaxAttemptsLimit)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{nameof(ExternalDnsWebhookProviderOptions.MaxAttempts)} must be between 1 and {MaxAttemptsLimit} (was {options.MaxAttempts})."));
        }

        if (options.InitialRetryDelay < TimeSpan.Zero || options.InitialRetryDelay > MaxTimer)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{nameof(ExternalDnsWebhookProviderOptions.InitialRetryDelay)} must be zero or more and at most {MaxTimer} (was {options.InitialRetryDelay})."));
        }

        if (options.MaxRetryDelay < options.InitialRetryDelay || options.MaxRetryDelay > MaxTimer)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{nameof(ExternalDnsWebhookProviderOptions.MaxRetryDelay)} must be at least {nameof(ExternalDnsWebhookProviderOptions.InitialRetryDelay)} and at most {MaxTimer} (was {options.MaxRetryDelay})."));
        }

        if (options.MaxBodySize < MinBodySize || options.MaxBodySize > Array.MaxLength)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{nameof(ExternalDnsWebhookProviderOptions.MaxBodySize)} must be between {MinBodySize} and {Array.MaxLength} bytes (was {options.MaxBodySize})."));
        }

        if (options.RequestHeaders is null)
        {
            errors.Add($"{nameof(ExternalDnsWebhookProviderOptions.RequestHeaders)} must not be null.");
        }
        else
        {
            foreach (var (header, value) in options.RequestHeaders)
            {
                if (string.IsNullOrWhiteSpace(header) || !IsToken(header))
                {
                    errors.Add($"{nameof(ExternalDnsWebhookProviderOptions.RequestHeaders)} has an invalid header name.");
                }
                else if (IsReserved(header))
                {
                    errors.Add($"{nameof(ExternalDnsWebhookProviderOptions.RequestHeaders)} must not set '{header}': the protocol sets it.");
                }
                else if (value is null || value.AsSpan().IndexOfAny('\r', '\n') >= 0)
                {
                    // The value is a secret: name the header only.
                    errors.Add($"{nameof(ExternalDnsWebhookProviderOptions.RequestHeaders)}['{header}'] must be a value without line breaks.");
                }
            }
        }

        return errors;
    }

    private static bool IsReserved(string header) =>
        header.Equals("Accept", StringComparison.OrdinalIgnoreCase)
        || header.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
        || header.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        || header.Equals("Host", StringComparison.OrdinalIgnoreCase)
        || header.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase);

    private static bool IsToken(string header)
    {
        foreach (var c in header)
        {
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
