using Ccx.Dns.Reconciliation;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.DynamoDb;

/// <summary>
/// Checks the reconciler's <see cref="DnsReconcilerOptions.LeaseApplyMargin"/> against the DynamoDB lease's timings
/// (registered by <c>AddDynamoDbLeaderElection</c>): the margin must be shorter than what a grant has left after a
/// renewal answered from memory, <c>Duration - SafetyMargin - RenewInterval</c>, or the leader could not apply.
/// </summary>
internal sealed class DynamoDbLeaseApplyMarginValidator(IOptions<DynamoDbLeaderLeaseOptions> lease) : IValidateOptions<DnsReconcilerOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DnsReconcilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var leaseOptions = lease.Value;
        var left = leaseOptions.Duration - leaseOptions.SafetyMargin - leaseOptions.RenewInterval;
        if (left <= TimeSpan.Zero || options.LeaseApplyMargin < left)
        {
            return ValidateOptionsResult.Success; // an invalid lease is reported by the lease's own validator
        }

        return ValidateOptionsResult.Fail(
            $"DnsReconcilerOptions.LeaseApplyMargin ({options.LeaseApplyMargin}) must be shorter than the DynamoDB leader lease's "
            + $"Duration - SafetyMargin - RenewInterval ({leaseOptions.Duration} - {leaseOptions.SafetyMargin} - {leaseOptions.RenewInterval} = {left}), "
            + "the least time a grant has left when the reconciler checks it; otherwise the leader would apply nothing");
    }
}
