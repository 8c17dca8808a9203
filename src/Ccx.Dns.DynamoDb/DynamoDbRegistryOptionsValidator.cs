using Ccx.Dns.DynamoDb.Internal;
using Ccx.Dns.Registry.Txt;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.DynamoDb;

/// <summary>Validates <see cref="DynamoDbRegistryOptions"/>, reporting every error at once. Never echoes the AES key.</summary>
public sealed class DynamoDbRegistryOptionsValidator : IValidateOptions<DynamoDbRegistryOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DynamoDbRegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (DynamoDbTableNames.Check(options.TableName) is { } tableError)
        {
            errors.Add("DynamoDbRegistryOptions.TableName " + tableError);
        }

        if (options.Region is not null && (options.Region.Length == 0 || options.Region.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-'))))
        {
            errors.Add($"DynamoDbRegistryOptions.Region '{options.Region}' is not a region name (for example eu-west-1)");
        }

        if (options.ServiceUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"DynamoDbRegistryOptions.ServiceUrl '{url}' must be an absolute http or https URL");
        }

        if (string.IsNullOrWhiteSpace(options.OwnerId))
        {
            errors.Add("DynamoDbRegistryOptions.OwnerId must be set (the DynamoDB registry needs an owner id)");
        }
        else if (options.OwnerId.AsSpan().IndexOfAny(",\"") >= 0)
        {
            errors.Add($"DynamoDbRegistryOptions.OwnerId '{options.OwnerId}' must not contain ',' or '\"' (it is also written into TXT ownership text)");
        }

        if (!string.IsNullOrEmpty(options.OldOwnerId) && string.Equals(options.OldOwnerId, options.OwnerId, StringComparison.Ordinal))
        {
            errors.Add("DynamoDbRegistryOptions.OldOwnerId must differ from OwnerId");
        }

        if (options.CacheInterval < TimeSpan.Zero)
        {
            errors.Add("DynamoDbRegistryOptions.CacheInterval must not be negative");
        }

        if (!string.IsNullOrEmpty(options.TxtPrefix) && !string.IsNullOrEmpty(options.TxtSuffix))
        {
            errors.Add("DynamoDbRegistryOptions.TxtPrefix and TxtSuffix are mutually exclusive");
        }

        CheckAffix(errors, nameof(options.TxtPrefix), options.TxtPrefix);
        CheckAffix(errors, nameof(options.TxtSuffix), options.TxtSuffix);
        CheckAffix(errors, nameof(options.TxtWildcardReplacement), options.TxtWildcardReplacement);
        if (!string.IsNullOrEmpty(options.TxtWildcardReplacement) && options.TxtWildcardReplacement.Contains('.', StringComparison.Ordinal))
        {
            errors.Add("DynamoDbRegistryOptions.TxtWildcardReplacement must be a single label (no '.')");
        }

        if (!string.IsNullOrEmpty(options.TxtEncryptionAesKey) && !TxtOwnershipCodec.IsValidKey(options.TxtEncryptionAesKey))
        {
            errors.Add("DynamoDbRegistryOptions.TxtEncryptionAesKey: the AES encryption key must be 32 bytes long, in either plain text or base64-encoded format");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckAffix(List<string> errors, string property, string? value)
    {
        if (value is null)
        {
            errors.Add($"DynamoDbRegistryOptions.{property} must not be null");
            return;
        }

        var withoutTemplate = value.Replace(TxtNameMapper.RecordTypeTemplate, "a", StringComparison.Ordinal);
        if (withoutTemplate.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            errors.Add($"DynamoDbRegistryOptions.{property} '{value}' may only contain letters, digits, '-', '_', '.' and {TxtNameMapper.RecordTypeTemplate}");
        }
    }
}
