using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Plugins;

/// <summary>
/// What a plugin assembly exports, read from its metadata without loading it: no plugin code (no static constructor,
/// no module initializer) runs in the host to find out which families a folder holds. The worker that serves a family
/// is the first place the plugin's code runs.
/// </summary>
internal static partial class PluginManifest
{
    private const string AttributeNamespace = "AlphaHost.Abstractions";
    private const string AttributeName = nameof(AlphaFamilyAttribute);

    /// <summary>
    /// The families of every plugin folder under <paramref name="pluginsDir"/> that reads and that <paramref name="trust"/>
    /// allows; the others are left out, as the daemon skips them.
    /// </summary>
    public static IReadOnlyList<AlphaFamilyAttribute> ReadAll(string pluginsDir, Configuration.PluginTrustOptions trust)
    {
        var exports = new List<AlphaFamilyAttribute>();
        foreach (var folder in Directory.Exists(pluginsDir) ? Directory.GetDirectories(pluginsDir).Order(StringComparer.Ordinal).ToArray() : [])
        {
            try
            {
                var path = PluginFolder.MainAssembly(folder);
                var sha256 = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();
                if (trust.Refusal(Path.GetFileName(folder), sha256) is null)
                {
                    exports.AddRange(Read(folder, path));
                }
            }
            catch (Exception ex) when (ex is PluginLoadException or IOException or UnauthorizedAccessException)
            {
                // Not loadable: it exports nothing the configuration could name.
            }
        }

        return exports;
    }

    /// <summary>The families exported by <paramref name="assemblyPath"/>, after checking its contract version.</summary>
    public static IReadOnlyList<AlphaFamilyAttribute> Read(string folder, string assemblyPath)
    {
        try
        {
            using var stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                throw new PluginLoadException(folder, $"not a valid .NET assembly ({Path.GetFileName(assemblyPath)} has no metadata)");
            }

            var reader = pe.GetMetadataReader();
            CheckContract(folder, reader);
            var exports = new List<AlphaFamilyAttribute>();
            foreach (var handle in reader.TypeDefinitions)
            {
                var type = reader.GetTypeDefinition(handle);
                if ((type.Attributes & System.Reflection.TypeAttributes.Abstract) != 0)
                {
                    continue;
                }

                foreach (var attributeHandle in type.GetCustomAttributes())
                {
                    var attribute = reader.GetCustomAttribute(attributeHandle);
                    if (IsAlphaFamilyAttribute(reader, attribute))
                    {
                        exports.Add(Decode(folder, attribute));
                    }
                }
            }

            return exports;
        }
        catch (Exception ex) when (ex is BadImageFormatException or InvalidOperationException)
        {
            throw new PluginLoadException(folder, $"not a valid .NET assembly ({ex.Message})", ex);
        }
    }

    /// <summary>
    /// The plugin's product version as every listing shows it: its informational version less the commit suffix
    /// (<c>0.1.0</c>), else its assembly version. The assembly version (<c>1.0.0.0</c>) names the plugin contract, not the build.
    /// </summary>
    public static string VersionOf(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var assembly = reader.GetAssemblyDefinition();
        foreach (var handle in assembly.GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind == HandleKind.MemberReference
                && reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent is { Kind: HandleKind.TypeReference } parent
                && reader.GetTypeReference((TypeReferenceHandle)parent) is var type
                && reader.StringComparer.Equals(type.Name, nameof(System.Reflection.AssemblyInformationalVersionAttribute))
                && attribute.DecodeValue(new NameProvider()).FixedArguments is [{ Value: string informational }])
            {
                return informational.Split('+')[0];
            }
        }

        return assembly.Version.ToString();
    }

    private static void CheckContract(string folder, MetadataReader reader)
    {
        var contract = typeof(IAlphaFamily).Assembly.GetName();
        var name = reader.GetString(reader.GetAssemblyDefinition().Name);
        foreach (var handle in reader.AssemblyReferences)
        {
            var reference = reader.GetAssemblyReference(handle);
            if (reader.GetString(reference.Name) != contract.Name)
            {
                continue;
            }

            if (reference.Version.Major != contract.Version?.Major)
            {
                throw new PluginLoadException(folder,
                    $"built for plugin contract v{reference.Version.Major}, this host speaks v{contract.Version?.Major}; rebuild the plugin against this AlphaHost");
            }

            return;
        }

        throw new PluginLoadException(folder, $"{name} does not reference {contract.Name}; it is not an alpha family plugin");
    }

    private static bool IsAlphaFamilyAttribute(MetadataReader reader, CustomAttribute attribute)
    {
        if (attribute.Constructor.Kind != HandleKind.MemberReference)
        {
            return false;
        }

        var parent = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
        if (parent.Kind != HandleKind.TypeReference)
        {
            return false;
        }

        var type = reader.GetTypeReference((TypeReferenceHandle)parent);
        return reader.StringComparer.Equals(type.Name, AttributeName) && reader.StringComparer.Equals(type.Namespace, AttributeNamespace);
    }

    private static AlphaFamilyAttribute Decode(string folder, CustomAttribute attribute)
    {
        var value = attribute.DecodeValue(new NameProvider());
        if (value.FixedArguments.Length != 1 || value.FixedArguments[0].Value is not string name)
        {
            throw new PluginLoadException(folder, "an [AlphaFamily] attribute has no name");
        }

        if (!FamilyName.IsValid(name))
        {
            throw new PluginLoadException(folder, $"family name '{name}' is not lower case letters, digits and underscores");
        }

        string? flag = null;
        var flagDefault = true;
        var model = false;
        string[] folders = [];
        foreach (var named in value.NamedArguments)
        {
            switch (named.Name)
            {
                case nameof(AlphaFamilyAttribute.FeatureFlag):
                    flag = named.Value as string;
                    break;
                case nameof(AlphaFamilyAttribute.FeatureFlagDefault):
                    flagDefault = named.Value is true;
                    break;
                case nameof(AlphaFamilyAttribute.IsModelFamily):
                    model = named.Value is true;
                    break;
                case nameof(AlphaFamilyAttribute.InstanceFolders) when named.Value is ImmutableArray<CustomAttributeTypedArgument<string>> items:
                    folders = items.Select(i => i.Value).OfType<string>().ToArray();
                    break;
            }
        }

        var export = new AlphaFamilyAttribute(name) { FeatureFlag = flag, FeatureFlagDefault = flagDefault, IsModelFamily = model, InstanceFolders = folders };
        return export;
    }

    /// <summary>Enough of a type provider to decode the attribute's string, string array and bool arguments.</summary>
    private sealed class NameProvider : ICustomAttributeTypeProvider<string>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSystemType() => "System.Type";

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeDefinition(handle).Name);

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeReference(handle).Name);

        public string GetTypeFromSerializedName(string name) => name;

        public PrimitiveTypeCode GetUnderlyingEnumType(string type) => PrimitiveTypeCode.Int32;

        public bool IsSystemType(string type) => type == "System.Type";
    }
}
