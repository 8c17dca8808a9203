using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.DependencyInjection;

/// <summary>
/// Validates every Ccx.Dns options class registered in the container at once, before the reconciler (and through it the
/// registry and the provider) is built: one <see cref="OptionsValidationException"/> lists every error of every options
/// class, each named by its configuration path and option (<c>PowerDns:ApiKey (PowerDnsProviderOptions.ApiKey) is
/// required.</c>). Without it the first class resolved would throw alone, one error per start.
/// </summary>
internal static partial class DnsOptionsValidation
{
    /// <summary>Validates every options class that has a validator registered; throws when any fails.</summary>
    /// <param name="services">The container.</param>
    /// <param name="registrations">The service collection the container was built from (to find the options classes).</param>
    /// <exception cref="OptionsValidationException">One or more options are invalid; the failures list them all.</exception>
    public static void ThrowIfInvalid(IServiceProvider services, IServiceCollection registrations)
    {
        var failures = Collect(services, registrations);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(Reconciliation.DnsReconcilerOptions), failures);
        }
    }

    /// <summary>Every failure of every registered Ccx.Dns options class, each named by configuration path and option.</summary>
    public static List<string> Collect(IServiceProvider services, IServiceCollection registrations)
    {
        var sections = new Dictionary<Type, string>();
        foreach (var section in services.GetServices<DnsOptionsSection>())
        {
            sections[section.OptionsType] = section.Path;
        }

        var failures = new List<string>();
        foreach (var optionsType in OptionsTypes(registrations))
        {
            var path = sections.TryGetValue(optionsType, out var p) ? p : null;
            var factory = services.GetRequiredService(typeof(IOptionsFactory<>).MakeGenericType(optionsType));
            try
            {
                factory.GetType().GetMethod(nameof(IOptionsFactory<object>.Create))!.Invoke(factory, [Options.DefaultName]);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is OptionsValidationException invalid)
            {
                failures.AddRange(invalid.Failures.Select(f => Describe(optionsType, path, f)));
            }
            catch (TargetInvocationException ex) when (ex.InnerException is InvalidOperationException or FormatException)
            {
                // A value configuration binding could not convert; the binder's message names the configuration path.
                failures.Add(ex.InnerException!.Message);
            }
        }

        return failures;
    }

    /// <summary>
    /// Names a validator's failure by configuration path and option: a message that starts with a property of the options
    /// class (optionally after the class name) becomes <c>Section:Property (Class.Property) rest</c>; any other message is
    /// prefixed with the section and the class.
    /// </summary>
    /// <param name="optionsType">The options class.</param>
    /// <param name="path">The configuration path it was bound from, or <see langword="null"/> when configured in code.</param>
    /// <param name="failure">The validator's message.</param>
    /// <returns>The message naming where to fix it.</returns>
    internal static string Describe(Type optionsType, string? path, string failure)
    {
        var message = failure.StartsWith(optionsType.Name + ".", StringComparison.Ordinal) ? failure[(optionsType.Name.Length + 1)..] : failure;
        var match = LeadingProperty().Match(message);
        if (match.Success && IsProperty(optionsType, match.Groups["property"].Value))
        {
            var property = match.Groups["property"].Value;
            var rest = message[property.Length..];
            var key = property.Replace('.', ':').Replace("[", ":", StringComparison.Ordinal).Replace("]", string.Empty, StringComparison.Ordinal);
            return string.IsNullOrEmpty(path)
                ? $"{optionsType.Name}.{property}{rest}"
                : $"{path}:{key} ({optionsType.Name}.{property}){rest}";
        }

        return string.IsNullOrEmpty(path) ? $"{optionsType.Name}: {failure}" : $"{path} ({optionsType.Name}): {failure}";
    }

    private static bool IsProperty(Type type, string propertyPath)
    {
        foreach (var segment in propertyPath.Split('.'))
        {
            var name = segment.Split('[')[0];
            var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
            if (property is null)
            {
                return false;
            }

            type = property.PropertyType;
            if (segment.Contains('[', StringComparison.Ordinal))
            {
                // An element of a list (Datastores[0].Id): the next segment is a property of the element type.
                var element = type.IsArray ? type.GetElementType() : type.GetInterfaces().Append(type)
                    .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
                if (element is null)
                {
                    return false;
                }

                type = element;
            }
        }

        return true;
    }

    private static List<Type> OptionsTypes(IServiceCollection registrations)
    {
        var types = new List<Type>();
        foreach (var descriptor in registrations)
        {
            if (descriptor.ServiceType.IsGenericType
                && descriptor.ServiceType.GetGenericTypeDefinition() == typeof(IValidateOptions<>)
                && descriptor.ServiceType.GetGenericArguments()[0] is { } optionsType
                && (optionsType.Namespace ?? string.Empty).StartsWith("Ccx.Dns", StringComparison.Ordinal)
                && !types.Contains(optionsType))
            {
                types.Add(optionsType);
            }
        }

        return types;
    }

    [GeneratedRegex(@"^(?<property>[A-Z][A-Za-z0-9]*(?:\[\d+\])?(?:\.[A-Z][A-Za-z0-9]*(?:\[\d+\])?)*)(?=[\s:]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex LeadingProperty();
}
