namespace Testbed.Specs.Support;

/// <summary>A file under the temp folder for one spec, deleted when the spec is done with it.</summary>
internal sealed class TempFile : IDisposable
{
    public string Path { get; } = System.IO.Path.GetTempFileName();

    public void Dispose() => File.Delete(Path);
}
