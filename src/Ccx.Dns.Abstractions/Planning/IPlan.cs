namespace Ccx.Dns.Planning;

/// <summary>
/// Calculates the changes that turn the current records into the desired ones. Implementations are pure: no
/// I/O, no clock, deterministic output order.
/// </summary>
public interface IPlan
{
    /// <summary>Calculates the plan.</summary>
    /// <param name="input">Current and desired records and the rules to apply.</param>
    /// <returns>The changes, the rejected desired endpoints and the ownership conflicts.</returns>
    PlanResult Calculate(PlanInput input);
}
