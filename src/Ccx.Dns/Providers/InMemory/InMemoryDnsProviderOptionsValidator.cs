using Ccx.Dns.Endpoints;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Providers.InMemory;

/// <summary>Validates <see cref="InMemoryDnsProviderOptions"/>, reporting every error at once.</summary>
public sealed class InMemoryDnsProviderOptionsValidator : IValidateOptions<InMemoryDnsProviderOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, InMemoryDnsProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Zones.Count == 0)
        {
            errors.Add("Zones must name at least one zone the in-memory provider serves, for example \"db.example.org\".");
        }

        foreach (var zone in options.Zones)
        {
            var reason = string.IsNullOrWhiteSpace(zone) ? "it is empty" : EndpointValidator.ValidateName(zone.Trim(), allowWildcard: false, what: "zone");
            if (reason is not null)
            {
                errors.Add($"Zones contains '{zone}', which is not a valid zone name: {reason}.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
