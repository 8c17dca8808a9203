using Ccx.Dns.Endpoints;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Registry.Txt;

/// <summary>Validates <see cref="TxtRegistryOptions"/>, reporting every error at once. Never echoes the encryption key.</summary>
public sealed class TxtRegistryOptionsValidator : IValidateOptions<TxtRegistryOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TxtRegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.OwnerId))
        {
            errors.Add("TxtRegistryOptions.OwnerId must be set (the TXT registry needs an owner id)");
        }
        else if (options.OwnerId.AsSpan().IndexOfAny(",\"") >= 0)
        {
            errors.Add($"TxtRegistryOptions.OwnerId '{options.OwnerId}' must not contain ',' or '\"'");
        }

        if (options.OldOwnerId is null)
        {
            errors.Add("TxtRegistryOptions.OldOwnerId must not be null");
        }
        else if (options.OldOwnerId.Length > 0 && string.Equals(options.OldOwnerId, options.OwnerId, StringComparison.Ordinal))
        {
            errors.Add("TxtRegistryOptions.OldOwnerId must differ from OwnerId");
        }

        if (!string.IsNullOrEmpty(options.Prefix) && !string.IsNullOrEmpty(options.Suffix))
        {
            errors.Add("TxtRegistryOptions.Prefix and Suffix are mutually exclusive");
        }

        CheckAffix(errors, nameof(options.Prefix), options.Prefix);
        CheckAffix(errors, nameof(options.Suffix), options.Suffix);
        CheckAffix(errors, nameof(options.WildcardReplacement), options.WildcardReplacement);
        if (!string.IsNullOrEmpty(options.WildcardReplacement) && options.WildcardReplacement.Contains('.', StringComparison.Ordinal))
        {
            errors.Add("TxtRegistryOptions.WildcardReplacement must be a single label (no '.')");
        }

        if (options.CacheInterval < TimeSpan.Zero)
        {
            errors.Add("TxtRegistryOptions.CacheInterval must not be negative");
        }

        if (options.EncryptionEnabled && string.IsNullOrEmpty(options.EncryptionAesKey))
        {
            errors.Add("TxtRegistryOptions.EncryptionAesKey must be set when EncryptionEnabled is true");
        }
        else if (!string.IsNullOrEmpty(options.EncryptionAesKey) && !TxtOwnershipCodec.IsValidKey(options.EncryptionAesKey))
        {
            errors.Add("TxtRegistryOptions.EncryptionAesKey: " + TxtEncryption.InvalidKeyMessage);
        }

        CheckTypes(errors, nameof(options.ManagedRecordTypes), options.ManagedRecordTypes);
        CheckTypes(errors, nameof(options.ExcludedRecordTypes), options.ExcludedRecordTypes);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckAffix(List<string> errors, string property, string? value)
    {
        if (value is null)
        {
            errors.Add($"TxtRegistryOptions.{property} must not be null");
            return;
        }

        var withoutTemplate = value.Replace(TxtNameMapper.RecordTypeTemplate, "a", StringComparison.Ordinal);
        foreach (var c in withoutTemplate)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.'))
            {
                errors.Add($"TxtRegistryOptions.{property} '{value}' may only contain letters, digits, '-', '_', '.' and {TxtNameMapper.RecordTypeTemplate}");
                return;
            }
        }
    }

    private static void CheckTypes(List<string> errors, string property, IList<string>? types)
    {
        if (types is null)
        {
            errors.Add($"TxtRegistryOptions.{property} must not be null");
            return;
        }

        foreach (var type in types)
        {
            if (string.IsNullOrWhiteSpace(type) || !RecordType.Parse(type).IsKnown)
            {
                errors.Add($"TxtRegistryOptions.{property} contains unknown record type '{type}'");
            }
        }
    }
}
