using Ccx.Dns.DynamoDb.Internal;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.DynamoDb;

/// <summary>Validates <see cref="DynamoDbLeaderLeaseOptions"/>, reporting every error at once.</summary>
public sealed class DynamoDbLeaderLeaseOptionsValidator : IValidateOptions<DynamoDbLeaderLeaseOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DynamoDbLeaderLeaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (DynamoDbTableNames.Check(options.TableName) is { } tableError)
        {
            errors.Add("DynamoDbLeaderLeaseOptions.TableName " + tableError);
        }

        if (string.IsNullOrWhiteSpace(options.LeaseName))
        {
            errors.Add("DynamoDbLeaderLeaseOptions.LeaseName must be set");
        }

        if (string.IsNullOrWhiteSpace(options.HolderId))
        {
            errors.Add("DynamoDbLeaderLeaseOptions.HolderId must be set");
        }

        if (options.Duration < TimeSpan.FromSeconds(1))
        {
            errors.Add($"DynamoDbLeaderLeaseOptions.Duration must be at least 1 second (was {options.Duration})");
        }

        if (options.RenewInterval <= TimeSpan.Zero)
        {
            errors.Add($"DynamoDbLeaderLeaseOptions.RenewInterval must be positive (was {options.RenewInterval})");
        }
        else if (options.RenewInterval >= options.Duration)
        {
            errors.Add($"DynamoDbLeaderLeaseOptions.RenewInterval ({options.RenewInterval}) must be shorter than Duration ({options.Duration})");
        }

        if (options.SafetyMargin < TimeSpan.Zero)
        {
            errors.Add($"DynamoDbLeaderLeaseOptions.SafetyMargin must not be negative (was {options.SafetyMargin})");
        }
        else if (options.RenewInterval > TimeSpan.Zero && options.RenewInterval < options.Duration && options.SafetyMargin >= options.Duration - options.RenewInterval)
        {
            errors.Add($"DynamoDbLeaderLeaseOptions.SafetyMargin ({options.SafetyMargin}) must be shorter than Duration - RenewInterval ({options.Duration - options.RenewInterval}), or a grant answered from memory would already be over");
        }

        if (options.Region is not null && (options.Region.Length == 0 || options.Region.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-'))))
        {
            errors.Add($"DynamoDbLeaderLeaseOptions.Region '{options.Region}' is not a region name (for example eu-west-1)");
        }

        if (options.ServiceUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"DynamoDbLeaderLeaseOptions.ServiceUrl '{url}' must be an absolute http or https URL");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
