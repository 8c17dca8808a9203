using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Ccx.Dns.DependencyInjection;

/// <summary>
/// A view of a configuration section in which durations may also be written as ExternalDNS (Go) durations —
/// <c>500ms</c>, <c>1m</c>, <c>1h30m</c>, <c>10s</c> — for the settings of an options class that are
/// <see cref="TimeSpan"/>s: such values are handed to the binder in .NET's form (<c>00:00:00.5000000</c>). Everything
/// else (keys, paths, other values, reload tokens) is the wrapped section's.
/// </summary>
internal sealed partial class GoDurationConfiguration : IConfigurationSection
{
    private readonly IConfiguration _inner;
    private readonly Type? _target;

    /// <summary>Wraps a section bound to <paramref name="target"/> (the options class, or the type of the setting it holds).</summary>
    /// <param name="inner">The configuration or section.</param>
    /// <param name="target">The type bound from it; <see langword="null"/> when unknown (values are passed through).</param>
    public GoDurationConfiguration(IConfiguration inner, Type? target)
    {
        _inner = inner;
        _target = target is null ? null : Nullable.GetUnderlyingType(target) ?? target;
    }

    /// <inheritdoc />
    public string Key => (_inner as IConfigurationSection)?.Key ?? string.Empty;

    /// <inheritdoc />
    public string Path => (_inner as IConfigurationSection)?.Path ?? string.Empty;

    /// <inheritdoc />
    public string? Value
    {
        get
        {
            var value = (_inner as IConfigurationSection)?.Value;
            return _target == typeof(TimeSpan) && TryParse(value, out var duration)
                ? duration.ToString("c", CultureInfo.InvariantCulture)
                : value;
        }

        set
        {
            if (_inner is IConfigurationSection section)
            {
                section.Value = value;
            }
        }
    }

    /// <inheritdoc />
    public string? this[string key]
    {
        get => GetSection(key).Value;
        set => _inner[key] = value;
    }

    /// <inheritdoc />
    public IEnumerable<IConfigurationSection> GetChildren() =>
        _inner.GetChildren().Select(child => new GoDurationConfiguration(child, ChildType(_target, child.Key)));

    /// <inheritdoc />
    public IChangeToken GetReloadToken() => _inner.GetReloadToken();

    /// <inheritdoc />
    public IConfigurationSection GetSection(string key) => new GoDurationConfiguration(_inner.GetSection(key), ChildType(_target, key));

    /// <summary>Parses a Go duration: a sequence of decimal numbers, each with a unit (ns, us, µs, ms, s, m, h), optionally signed.</summary>
    /// <param name="text">The text.</param>
    /// <param name="duration">The duration.</param>
    /// <returns>Whether the text is a Go duration.</returns>
    internal static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed is "0" or "+0" or "-0")
        {
            return true;
        }

        var match = GoDuration().Match(trimmed);
        if (!match.Success)
        {
            return false;
        }

        decimal ticks = 0;
        var numbers = match.Groups["number"].Captures;
        var units = match.Groups["unit"].Captures;
        for (var i = 0; i < numbers.Count; i++)
        {
            var number = decimal.Parse(numbers[i].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            ticks += number * units[i].Value switch
            {
                "ns" => 0.01m,
                "us" or "µs" or "μs" => 10m,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)decimal.Round(ticks));
        if (match.Groups["sign"].Value == "-")
        {
            duration = -duration;
        }

        return true;
    }

    /// <summary>The type bound from a child key: the property's type, or the element type of a list or dictionary.</summary>
    private static Type? ChildType(Type? type, string key)
    {
        if (type is null || type == typeof(string) || type.IsPrimitive || type == typeof(TimeSpan) || type.IsEnum)
        {
            return null;
        }

        if (ElementType(type) is { } element)
        {
            return element;
        }

        return type.GetProperty(key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType;
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var interfaces = type.IsInterface ? type.GetInterfaces().Append(type) : type.GetInterfaces();
        Type? enumerable = null;
        foreach (var candidate in interfaces)
        {
            if (!candidate.IsGenericType)
            {
                continue;
            }

            var definition = candidate.GetGenericTypeDefinition();
            if (definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
            {
                return candidate.GetGenericArguments()[1];
            }

            if (definition == typeof(IEnumerable<>))
            {
                enumerable = candidate.GetGenericArguments()[0];
            }
        }

        return enumerable;
    }

    [GeneratedRegex(@"^(?<sign>[-+]?)(?:(?<number>\d+(?:\.\d*)?|\.\d+)(?<unit>ns|us|µs|μs|ms|s|m|h))+$", RegexOptions.CultureInvariant)]
    private static partial Regex GoDuration();
}
