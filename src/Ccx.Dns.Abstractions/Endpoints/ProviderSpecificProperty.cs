namespace Ccx.Dns.Endpoints;

/// <summary>
/// A provider-specific hint carried by an endpoint, such as <c>aws/weight=10</c>. Not persisted by registries;
/// providers normalise them in <see cref="Providers.IDnsProvider.AdjustEndpoints"/>.
/// </summary>
/// <param name="Name">The property name, for example <c>alias</c> or <c>aws/weight</c>.</param>
/// <param name="Value">The property value.</param>
public readonly record struct ProviderSpecificProperty(string Name, string Value);
