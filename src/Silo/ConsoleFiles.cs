using Microsoft.Extensions.FileProviders;

namespace OrleansLive.Silo;

/// <summary>
/// The console (/console/) and the players (/players/): static files from the Web folder copied
/// beside the binary (so `dotnet run` and a published build serve the same files). Served before
/// the API's auth check: the pages hold no data, and they ask for credentials when the API answers 401.
/// </summary>
internal static class ConsoleFiles
{
    public const string Path = "/console/";

    public static IApplicationBuilder UseConsoleFiles(this IApplicationBuilder app)
    {
        var root = System.IO.Path.Combine(AppContext.BaseDirectory, "Web");
        if (!Directory.Exists(root))
        {
            return app;
        }
        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        return app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            // Always revalidated, so an upgraded server's pages are not mixed with stale scripts.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
    }
}
