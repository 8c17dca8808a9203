namespace Ccx.Dns.Registry.Txt;

/// <summary>
/// Options of the <see cref="TxtRegistry"/>, named after ExternalDNS's flags (<c>--txt-owner-id</c>,
/// <c>--txt-prefix</c>, <c>--txt-suffix</c>, <c>--txt-wildcard-replacement</c>, <c>--txt-cache-interval</c>,
/// <c>--txt-encrypt-enabled</c>, <c>--txt-encrypt-aes-key</c>, <c>--migrate-from-txt-owner</c>,
/// <c>--managed-record-types</c>, <c>--exclude-record-types</c>).
/// </summary>
public sealed class TxtRegistryOptions
{
    /// <summary>
    /// The owner id written into ownership records and required to update or delete a record. Must not contain
    /// <c>,</c> or <c>"</c>, which would corrupt the label text.
    /// <value>The default is <c>default</c>, as in ExternalDNS.</value>
    /// </summary>
    public string OwnerId { get; set; } = "default";

    /// <summary>
    /// A previous owner id (ExternalDNS <c>--migrate-from-txt-owner</c>): records it owns are read as owned by
    /// <see cref="OwnerId"/> and their ownership records rewritten on the next reconcile — the one setting a migration
    /// needs. Remove it once the reconcile has applied. Unsafe in zones where several deployments used the same old
    /// owner id.
    /// <value>The default is empty (no migration).</value>
    /// </summary>
    public string OldOwnerId { get; set; } = string.Empty;

    /// <summary>
    /// The prefix of ownership TXT names, possibly containing <c>%{record_type}</c>; end it with a dot to manage
    /// apex records (for example <c>%{record_type}-owner.</c>). Mutually exclusive with <see cref="Suffix"/>.
    /// <value>The default is empty.</value>
    /// </summary>
    public string Prefix { get; set; } = string.Empty;

    /// <summary>
    /// The suffix added to the first label of ownership TXT names, possibly containing <c>%{record_type}</c>.
    /// Mutually exclusive with <see cref="Prefix"/>.
    /// <value>The default is empty.</value>
    /// </summary>
    public string Suffix { get; set; } = string.Empty;

    /// <summary>
    /// Replaces a leading <c>*</c> label in ownership TXT names (some providers refuse TXT records at wildcards).
    /// <value>The default is empty (no replacement).</value>
    /// </summary>
    public string WildcardReplacement { get; set; } = string.Empty;

    /// <summary>
    /// How long the registry serves its view of the records and their ownership without reading the provider
    /// again; the view is patched after every successful apply. Zero disables the cache.
    /// <value>The default is zero (off), as in ExternalDNS.</value>
    /// </summary>
    public TimeSpan CacheInterval { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Whether ownership text is written encrypted with <see cref="EncryptionAesKey"/>. Encrypted and plain
    /// ownership records are both read whenever a key is set.
    /// <value>The default is <see langword="false"/>.</value>
    /// </summary>
    public bool EncryptionEnabled { get; set; }

    /// <summary>
    /// The AES-256 key: 32 characters used as is, or the base64 encoding of 32 bytes. A secret: never logged.
    /// <value>The default is <see langword="null"/> (no key).</value>
    /// </summary>
    public string? EncryptionAesKey { get; set; }

    /// <summary>
    /// Record types (mnemonics) whose ownership records are checked for the typed format; records of these types
    /// owned by us without a typed ownership record get the <c>txt/force-update</c> property so that the planner
    /// rewrites them. The list starts with the defaults, so adding a type adds to A, AAAA and CNAME (an empty list also
    /// means the defaults).
    /// <value>The default is A, AAAA and CNAME.</value>
    /// </summary>
    public IList<string> ManagedRecordTypes { get; } = ["A", "AAAA", "CNAME"];

    /// <summary>Record types (mnemonics) excluded even when listed as managed. <value>The default is none.</value></summary>
    public IList<string> ExcludedRecordTypes { get; } = [];
}
