using System.Globalization;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Hosting.Webhook;

/// <summary>Checks <see cref="ExternalDnsWebhookServerOptions"/> and reports every problem at once.</summary>
public sealed class ExternalDnsWebhookServerOptionsValidator : IValidateOptions<ExternalDnsWebhookServerOptions>
{
    private const long MinBodySize = 1024;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ExternalDnsWebhookServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> Collect(ExternalDnsWebhookServerOptions options)
    {
        var errors = new List<string>();
        if (options.MaxRequestBodySize < MinBodySize || options.MaxRequestBodySize > Array.MaxLength)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{nameof(ExternalDnsWebhookServerOptions.MaxRequestBodySize)} must be between {MinBodySize} and {Array.MaxLength} bytes (was {options.MaxRequestBodySize})."));
        }

        return errors;
    }
}
