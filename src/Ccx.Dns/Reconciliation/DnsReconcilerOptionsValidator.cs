using System.Globalization;
using System.Text.RegularExpressions;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Reconciliation;

/// <summary>Validates <see cref="DnsReconcilerOptions"/>, reporting every error at once.</summary>
public sealed class DnsReconcilerOptionsValidator : IValidateOptions<DnsReconcilerOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DnsReconcilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Interval <= TimeSpan.Zero)
        {
            errors.Add($"Interval must be positive (was {options.Interval}).");
        }

        if (options.MinEventSyncInterval < TimeSpan.Zero)
        {
            errors.Add($"MinEventSyncInterval must not be negative (was {options.MinEventSyncInterval}).");
        }

        if (options.CompactHeapAfterChanges < 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"CompactHeapAfterChanges must not be negative (was {options.CompactHeapAfterChanges}); 0 turns the compaction off."));
        }

        if (!PlanPolicies.Names.Contains(options.Policy?.Trim() ?? string.Empty, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"Policy '{options.Policy}' is not one of: {string.Join(", ", PlanPolicies.Names)}.");
        }

        CheckTypes(options.ManagedRecordTypes, nameof(options.ManagedRecordTypes), errors);
        CheckTypes(options.ExcludedRecordTypes, nameof(options.ExcludedRecordTypes), errors);

        var hasRegex = !string.IsNullOrEmpty(options.RegexDomainFilter) || !string.IsNullOrEmpty(options.RegexDomainExclusion);
        if (hasRegex && (options.IncludeDomains.Count > 0 || options.ExcludeDomains.Count > 0))
        {
            errors.Add("Set either IncludeDomains/ExcludeDomains or RegexDomainFilter/RegexDomainExclusion, not both.");
        }

        CheckRegex(options.RegexDomainFilter, nameof(options.RegexDomainFilter), errors);
        CheckRegex(options.RegexDomainExclusion, nameof(options.RegexDomainExclusion), errors);
        CheckDomains(options.IncludeDomains, nameof(options.IncludeDomains), errors);
        CheckDomains(options.ExcludeDomains, nameof(options.ExcludeDomains), errors);

#pragma warning disable CS0618 // the obsolete setting is still validated while it exists
        if (options.OldOwnerId is null)
        {
            errors.Add("OldOwnerId must not be null (use an empty string for no migration).");
        }
#pragma warning restore CS0618

        if (options.Guard is null)
        {
            errors.Add("Guard must not be null.");
        }
        else
        {
            if (options.Guard.MinExistingRecords < 0)
            {
                errors.Add($"Guard.MinExistingRecords must not be negative (was {options.Guard.MinExistingRecords}).");
            }

            CheckPercent(options.Guard.MaxDeletePercent, "Guard.MaxDeletePercent", errors);
            CheckPercent(options.Guard.MaxUpdatePercent, "Guard.MaxUpdatePercent", errors);
        }

        if (!(options.UnhealthyAfterIntervals >= 1))
        {
            errors.Add($"UnhealthyAfterIntervals must be at least 1 (was {options.UnhealthyAfterIntervals}).");
        }

        if (options.InitialRetryDelay <= TimeSpan.Zero)
        {
            errors.Add($"InitialRetryDelay must be positive (was {options.InitialRetryDelay}).");
        }

        if (options.MaxRetryDelay < options.InitialRetryDelay)
        {
            errors.Add($"MaxRetryDelay ({options.MaxRetryDelay}) must not be less than InitialRetryDelay ({options.InitialRetryDelay}).");
        }

        if (options.LeaseRenewInterval <= TimeSpan.Zero)
        {
            errors.Add($"LeaseRenewInterval must be positive (was {options.LeaseRenewInterval}).");
        }

        if (options.LeaseApplyMargin < TimeSpan.Zero)
        {
            errors.Add($"LeaseApplyMargin must not be negative (was {options.LeaseApplyMargin}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckTypes(IList<string> types, string property, List<string> errors)
    {
        foreach (var type in types)
        {
            if (string.IsNullOrWhiteSpace(type) || !RecordType.Parse(type).IsKnown)
            {
                errors.Add($"{property} contains '{type}', which is not a known record type ({string.Join(", ", RecordType.Known)}).");
            }
        }
    }

    private static void CheckDomains(IList<string> domains, string property, List<string> errors)
    {
        foreach (var domain in domains)
        {
            var trimmed = domain?.Trim().TrimStart('.') ?? string.Empty;
            var reason = trimmed.Length == 0 ? "it is empty" : EndpointValidator.ValidateName(trimmed, allowWildcard: false, what: "domain");
            if (reason is not null)
            {
                errors.Add($"{property} contains '{domain}', which is not a valid domain: {reason}.");
            }
        }
    }

    private static void CheckRegex(string? pattern, string property, List<string> errors)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return;
        }

        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            errors.Add($"{property} '{pattern}' is not a valid regular expression: {ex.Message}");
        }
    }

    private static void CheckPercent(double value, string property, List<string> errors)
    {
        if (!(value >= 0 && value <= 100))
        {
            errors.Add($"{property} must be between 0 and 100 (was {value}).");
        }
    }
}
