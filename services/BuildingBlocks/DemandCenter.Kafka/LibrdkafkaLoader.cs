using System.Reflection;
using System.Runtime.InteropServices;

namespace DemandCenter.Kafka;

/// <summary>
/// Makes Confluent.Kafka find a librdkafka. With the real librdkafka.redist package the native library sits
/// beside the app and nothing needs doing. With the stand-in package (see README, Dependencies) it loads the
/// operating system's librdkafka.so.1: Confluent.Kafka 1.9.3 would otherwise look for the development symlink
/// librdkafka.so and try to dlopen "libdl", which modern glibc folds into libc.so.6.
/// </summary>
public static class LibrdkafkaLoader
{
    private static readonly Lock Gate = new();
    private static IntPtr _handle;

    /// <summary>The native handle of the librdkafka in use (also used by the mock-cluster interop).</summary>
    public static IntPtr Handle
    {
        get
        {
            EnsureLoaded();
            return _handle;
        }
    }

    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_handle != IntPtr.Zero)
            {
                return;
            }

            var bundled = FindBundled();
            _handle = bundled is not null ? NativeLibrary.Load(bundled) : NativeLibrary.Load("librdkafka.so.1");
            if (bundled is null)
            {
                var libc = NativeLibrary.Load("libc.so.6");
                NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, (name, _, _) => name switch
                {
                    "librdkafka" => _handle,
                    "libdl" => libc,
                    _ => IntPtr.Zero,
                });
            }

            NativeLibrary.SetDllImportResolver(typeof(LibrdkafkaLoader).Assembly, Resolve);
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == "librdkafka" ? _handle : IntPtr.Zero;

    private static string? FindBundled()
    {
        var baseDir = AppContext.BaseDirectory;
        string[] candidates =
        [
            Path.Combine(baseDir, "librdkafka.so"),
            Path.Combine(baseDir, "runtimes", "linux-x64", "native", "librdkafka.so"),
            Path.Combine(baseDir, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", "librdkafka.so"),
        ];
        return candidates.FirstOrDefault(File.Exists);
    }
}
