using PuppeteerSharp;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>
/// Debian's headless Chromium driven over the DevTools protocol, with the fake camera and microphone
/// (a moving test pattern and a beep) granted without a prompt: a real WebRTC stack for the tests.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly IBrowser _browser;
    private readonly string _profile;

    private HeadlessChromium(IBrowser browser, string profile)
    {
        _browser = browser;
        _profile = profile;
    }

    public static async Task<HeadlessChromium> LaunchAsync(params string[] extraArgs)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-").FullName;
        string[] args =
        [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream", "--autoplay-policy=no-user-gesture-required", .. extraArgs,
        ];
        var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            Headless = true,
            ExecutablePath = "/usr/bin/chromium",
            UserDataDir = profile,
            Args = args,
        });
        return new HeadlessChromium(browser, profile);
    }

    public async Task<IPage> OpenAsync(string url)
    {
        var page = await _browser.NewPageAsync();
        await page.GoToAsync(url);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        await _browser.DisposeAsync();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be writing its profile as it exits; the temp folder is cleaned later.
        }
    }
}
