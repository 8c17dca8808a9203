namespace Ccx.Dns;

/// <summary>
/// Where an options class was bound from in configuration. The <c>Add…(IConfiguration)</c> registration methods add
/// one to the service collection, so that the reconciler's start-up validation names every error by its configuration
/// path and option (<c>PowerDns:ApiKey (PowerDnsProviderOptions.ApiKey) is required</c>). A provider, registry or
/// source of your own that binds options from configuration can register one too.
/// </summary>
/// <param name="OptionsType">The options class.</param>
/// <param name="Path">The configuration path of the section it was bound from (<c>PowerDns</c>); empty for the root.</param>
public sealed record DnsOptionsSection(Type OptionsType, string Path);
