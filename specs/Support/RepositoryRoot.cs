namespace Testbed.Specs.Support;

/// <summary>The checkout the specs were built from: the folder above the test binaries that holds Testbed.sln.</summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string?> Found = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Testbed.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    });

    /// <summary>The root, or null when the binaries were copied away from any checkout.</summary>
    public static string? Find() => Found.Value;

    /// <summary>The root; throws when there is none.</summary>
    public static string Path => Find() ?? throw new DirectoryNotFoundException("Testbed.sln not found above " + AppContext.BaseDirectory);
}
