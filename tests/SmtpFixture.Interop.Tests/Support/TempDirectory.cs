namespace SmtpFixture.Interop.Tests.Support;

/// <summary>A fresh directory for one test's files (messages, scripts, certificates), deleted afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "smtpfixture-interop-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    /// <summary>Writes <paramref name="bytes"/> to a file in the directory and returns its full path.</summary>
    public string WriteFile(string name, ReadOnlySpan<byte> bytes)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte order mark) and returns the file's full path.</summary>
    public string WriteFile(string name, string text) => WriteFile(name, new System.Text.UTF8Encoding(false).GetBytes(text));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; a leftover temp folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
