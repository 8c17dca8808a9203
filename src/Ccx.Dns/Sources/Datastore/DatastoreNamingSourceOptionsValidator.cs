using Ccx.Dns.Endpoints;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Sources.Datastore;

/// <summary>Validates <see cref="DatastoreNamingSourceOptions"/>, reporting every error at once.</summary>
public sealed class DatastoreNamingSourceOptionsValidator : IValidateOptions<DatastoreNamingSourceOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DatastoreNamingSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.RecordTtl < TimeSpan.FromSeconds(1) || options.RecordTtl > TimeSpan.FromSeconds(int.MaxValue) || options.RecordTtl.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            errors.Add($"RecordTtl must be a whole number of seconds from 1 to {int.MaxValue} (was {options.RecordTtl}).");
        }

        var labelError = string.IsNullOrEmpty(options.ReplicaLabel) || options.ReplicaLabel.Contains('.', StringComparison.Ordinal)
            ? "it must be a single DNS label"
            : Guid.TryParseExact(options.ReplicaLabel, "D", out _)
                ? "it must not be a UUID (a cluster's primary name starts with its UUID, so a replica name could be another cluster's primary name)"
                : EndpointValidator.ValidateName(options.ReplicaLabel, allowWildcard: false, what: "replica label");
        if (labelError is not null)
        {
            errors.Add($"ReplicaLabel '{options.ReplicaLabel}' is not valid: {labelError}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
