namespace Ccx.Dns.Sources;

/// <summary>
/// An endpoint source whose every snapshot holds each endpoint key (name, type, set identifier) at most once and no
/// null entry. When it is the reconciler's only source, its snapshot is its own merge: the reconciler neither merges
/// it nor keeps an index of its keys to prove that it need not (at 100k datastores that index alone is ~9 MB).
/// </summary>
internal interface IDistinctKeyEndpointSource : IEndpointSource;
