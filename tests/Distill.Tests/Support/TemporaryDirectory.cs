namespace Distill.Tests.Support;

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory()
    {
        Path = Directory.CreateTempSubdirectory("distill-tests-").FullName;
    }

    public string Path { get; }

    public string File(params string[] names) => System.IO.Path.Combine([Path, .. names]);

    /// <summary>Writes a file into the directory and returns its path.</summary>
    public string Write(string name, string content)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing a passed test over it is not.
        }
    }
}
