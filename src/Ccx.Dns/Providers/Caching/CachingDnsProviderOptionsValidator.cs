using Microsoft.Extensions.Options;

namespace Ccx.Dns.Providers.Caching;

/// <summary>Validates <see cref="CachingDnsProviderOptions"/>.</summary>
public sealed class CachingDnsProviderOptionsValidator : IValidateOptions<CachingDnsProviderOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CachingDnsProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.CacheDuration < TimeSpan.Zero
            ? ValidateOptionsResult.Fail("CachingDnsProviderOptions.CacheDuration must not be negative")
            : ValidateOptionsResult.Success;
    }
}
