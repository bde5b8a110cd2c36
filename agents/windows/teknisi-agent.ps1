<#
.SYNOPSIS
  Teknisi endpoint agent for Windows: sends this machine's inventory to a Teknisi server.

.DESCRIPTION
  Reads the machine through CIM (Win32_ComputerSystem, Win32_BIOS, Win32_OperatingSystem,
  Win32_Processor, Win32_DiskDrive, Win32_NetworkAdapter, Win32_NetworkAdapterConfiguration)
  and the Uninstall registry keys (64- and 32-bit), builds the inventory report that the
  server's SSH collector builds for the same machine (src/discovery/ssh/windows.ts), field for
  field, plus the machine's MachineGuid, and POSTs it as JSON to /api/inventory/reports with an
  enrollment token. Runs on Windows PowerShell 5.1 and PowerShell 7; needs nothing else.

  teknisi-agent.ps1 --server URL --token TOKEN [--dry-run] [--ca-file FILE] [--insecure-skip-tls-verify]

  Options (the PowerShell spellings -Server, -Token, -DryRun … work too):
    --server URL                the server, e.g. https://teknisi.example.com
    --token TOKEN               an enrollment token (tka_...); or --token-file FILE, or the
                                environment variable TEKNISI_AGENT_TOKEN
    --token-file FILE           read the token from FILE (keeps it out of the task's command line)
    --ca-file FILE              trust the server's certificate when the CA in FILE (PEM or DER) signed it
    --insecure-skip-tls-verify  do not verify the server's certificate (testing only)
    --timeout SECONDS           give up on the server after this long (default 120)
    --log-file FILE             also append each message, with the time, to FILE (Task Scheduler
                                keeps no output)
    --dry-run                   print the report as JSON and send nothing
    --save-raw FILE             also write what CIM and the registry said, as JSON (for support)
    --from-raw FILE             build the report from such a file instead of this machine
    --quiet                     print nothing on success

  Exit codes (the same as the Linux and macOS agents): 0 sent, 2 usage, 3 could not collect or
  send, 4 server unreachable, 5 certificate not trusted, 6 token refused (401/403), 7 report
  refused (400/413), 8 rate-limited (429) or server busy (503), 9 server error. See agents/README.md.

.NOTES
  Run it as SYSTEM (a scheduled task or a GPO): the registry and CIM read the same either way,
  but the token file should be readable by SYSTEM and administrators only.
#>

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
# uninitialized variables are errors; missing properties of CIM and JSON objects are not
Set-StrictMode -Version 1

$AgentName = 'teknisi-agent.ps1'
$AgentVersion = '1.0.0'

# exit codes: agents/README.md
$EX_OK = 0; $EX_USAGE = 2; $EX_COLLECT = 3; $EX_UNREACHABLE = 4; $EX_TLS = 5
$EX_TOKEN = 6; $EX_REJECTED = 7; $EX_RATE = 8; $EX_SERVER = 9

$script:LogFile = $null

# A 32-bit PowerShell on 64-bit Windows (Intune's default for scripts, and some RMM tools') sees
# the registry redirected: HKLM:\SOFTWARE is WOW6432Node there, so the 64-bit programs would be
# missing (and recorded as removed), the 32-bit ones listed twice, and the MachineGuid unread.
# Such a host runs the agent again in the 64-bit Windows PowerShell, which a 32-bit process
# reaches through sysnative, and passes its exit code on.
if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess -and -not $env:TEKNISI_AGENT_RELAUNCHED) {
    $native = Join-Path $env:WINDIR 'sysnative\WindowsPowerShell\v1.0\powershell.exe'
    if (Test-Path -LiteralPath $native) {
        $env:TEKNISI_AGENT_RELAUNCHED = '1'
        & $native -NoProfile -NonInteractive -ExecutionPolicy Bypass -File $PSCommandPath @args
        exit $LASTEXITCODE
    }
}

function Write-AgentMessage([string]$Text) {
    $line = "teknisi-agent: $Text"
    [Console]::Error.WriteLine($line)
    if ($script:LogFile) {
        try { Add-Content -LiteralPath $script:LogFile -Value ("{0:u} {1}" -f (Get-Date).ToUniversalTime(), $line) -Encoding UTF8 } catch { }
    }
}

function Stop-Agent([int]$Code, [string]$Text) {
    Write-AgentMessage $Text
    exit $Code
}

# --- arguments ------------------------------------------------------------------------------
# GNU-style (--server URL, --server=URL) as in the Linux agent's usage, and PowerShell-style
# (-Server URL); names compare without dashes and case.
$opt = @{ server = ''; token = $env:TEKNISI_AGENT_TOKEN; tokenfile = ''; cafile = ''; timeout = '120'; logfile = ''; saveraw = ''; fromraw = '' }
$flags = @{ insecureskiptlsverify = $false; dryrun = $false; quiet = $false }
for ($i = 0; $i -lt $args.Count; $i++) {
    $arg = [string]$args[$i]
    $value = $null
    if ($arg -match '^--?([A-Za-z-]+)=(.*)$') { $name = $Matches[1]; $value = $Matches[2] }
    elseif ($arg -match '^--?([A-Za-z-]+)$') { $name = $Matches[1] }
    else { Stop-Agent $EX_USAGE "unexpected argument: $arg (see --help)" }
    $key = ($name -replace '-', '').ToLowerInvariant()
    if ($key -eq 'help' -or $key -eq 'h') { Get-Help -Detailed $PSCommandPath; exit $EX_OK }
    if ($key -eq 'version') { Write-Output "$AgentName $AgentVersion"; exit $EX_OK }
    if ($key -eq 'q') { $key = 'quiet' }
    if ($flags.ContainsKey($key)) { $flags[$key] = $true; continue }
    if (-not $opt.ContainsKey($key)) { Stop-Agent $EX_USAGE "unknown argument: $arg (see --help)" }
    if ($null -eq $value) {
        if ($i + 1 -ge $args.Count -or [string]::IsNullOrEmpty([string]$args[$i + 1])) { Stop-Agent $EX_USAGE "--$name needs a value (see --help)" }
        $i++; $value = [string]$args[$i]
    }
    $opt[$key] = $value
}
if ($opt.logfile) { $script:LogFile = $opt.logfile }

$dryRun = $flags.dryrun
if (-not $dryRun) {
    if (-not $opt.server) { Stop-Agent $EX_USAGE '--server URL is required (or --dry-run)' }
    if ($opt.server -notmatch '^https?://') { Stop-Agent $EX_USAGE "--server must start with https:// or http://, not: $($opt.server)" }
    if ($opt.tokenfile) {
        try { $opt.token = ((Get-Content -LiteralPath $opt.tokenfile -TotalCount 1) -replace '\s', '') }
        catch { Stop-Agent $EX_USAGE "cannot read the token file $($opt.tokenfile)" }
    }
    if (-not $opt.token) { Stop-Agent $EX_USAGE '--token TOKEN is required (or --token-file FILE, or TEKNISI_AGENT_TOKEN)' }
    if ($opt.token -notmatch '^[A-Za-z0-9_-]+$') { Stop-Agent $EX_USAGE 'the token holds characters a Teknisi token never has: check that it was copied whole' }
    if ($opt.cafile -and -not (Test-Path -LiteralPath $opt.cafile -PathType Leaf)) { Stop-Agent $EX_USAGE "cannot read the CA file $($opt.cafile)" }
    if ($opt.timeout -notmatch '^\d+$') { Stop-Agent $EX_USAGE "--timeout takes whole seconds, not: $($opt.timeout)" }
}

# --- collecting: the same CIM classes, properties and registry keys as the SSH collector ----
function Get-RawInventory {
    $ErrorActionPreference = 'SilentlyContinue'
    $uninstall = '\Microsoft\Windows\CurrentVersion\Uninstall\*'
    $software = foreach ($hive in 'SOFTWARE', 'SOFTWARE\WOW6432Node') {
        # what "Apps & features" lists: a name, not a system component, not an update of another entry
        Get-ItemProperty "HKLM:\$hive$uninstall" |
            Where-Object { $_.DisplayName -and $_.SystemComponent -ne 1 -and -not $_.ParentKeyName } |
            Select-Object DisplayName, DisplayVersion, Publisher, InstallDate, @{ n = 'Hive'; e = { $hive } }
    }
    [ordered]@{
        cs    = Get-CimInstance Win32_ComputerSystem | Select-Object Name, DNSHostName, Domain, PartOfDomain, Manufacturer, Model, TotalPhysicalMemory, PCSystemType
        bios  = Get-CimInstance Win32_BIOS | Select-Object SerialNumber, Manufacturer, SMBIOSBIOSVersion
        os    = Get-CimInstance Win32_OperatingSystem | Select-Object Caption, Version, BuildNumber, OSArchitecture, ProductType
        cpu   = @(Get-CimInstance Win32_Processor | Select-Object Name, Manufacturer, NumberOfCores, MaxClockSpeed, DeviceID)
        disk  = @(Get-CimInstance Win32_DiskDrive | Select-Object Index, Model, SerialNumber, Size, InterfaceType)
        nic   = @(Get-CimInstance Win32_NetworkAdapter -Filter 'PhysicalAdapter=TRUE' | Select-Object Index, NetConnectionID, Name, MACAddress, Speed, NetEnabled)
        ip    = @(Get-CimInstance Win32_NetworkAdapterConfiguration -Filter 'IPEnabled=TRUE' | Select-Object Index, IPAddress, MACAddress)
        sw    = @($software)
        # the computer name apart from WMI, for when WMI does not answer
        hn    = $env:COMPUTERNAME
        # this Windows installation's own id (clones share it until sysprep): the agent's addition
        machineGuid = (Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Cryptography' -Name MachineGuid).MachineGuid
    }
}

# --- the report: src/discovery/ssh/windows.ts's rules, one for one --------------------------

# trimmed text, capped; $null when empty (the server's str())
function Get-Text($Value, [int]$Max = 512) {
    if ($null -eq $Value) { return $null }
    $s = ([string]$Value).Trim()
    if ($s.Length -eq 0) { return $null }
    if ($s.Length -gt $Max) { $s = $s.Substring(0, $Max) }
    return $s
}

# What board makers leave in SMBIOS when they never set it: it names no vendor, model or serial.
# The server's list (SMBIOS_PLACEHOLDER in src/discovery/ssh/text.ts), compared without case
# in any display language (a Turkish one's I is no i to -match).
$SmbiosPlaceholder = '^(to be filled by o\.?e\.?m\.?|default string|system (manufacturer|product name|serial number|version)|chassis (manufacturer|serial number)|not specified|not applicable|none|n/a|o\.?e\.?m\.?|0?123456789|0+)$'

# an SMBIOS vendor, model or serial as Get-Text has it, or $null when it is a placeholder (the server's smbios())
function Get-Smbios($Value, [int]$Max = 512) {
    $s = Get-Text $Value $Max
    if ($null -eq $s -or [regex]::IsMatch($s, $SmbiosPlaceholder, 'IgnoreCase, CultureInvariant')) { return $null }
    return $s
}

# yyyy-MM-dd of a registry InstallDate (yyyyMMdd when the installer set it at all), or $null when
# it is no calendar day (20240231, which the database refuses), before 1980 or after today (the
# server's calendarDay())
function Get-InstallDate($Value) {
    $text = ([string]$Value).Trim()
    $day = [datetime]::MinValue
    if ($text -notmatch '^[0-9]{8}$') { return $null }
    if (-not [datetime]::TryParseExact($text, 'yyyyMMdd', [Globalization.CultureInfo]::InvariantCulture, [Globalization.DateTimeStyles]::None, [ref]$day)) { return $null }
    if ($day -lt (New-Object DateTime 1980, 1, 1) -or $day -gt (Get-Date).ToUniversalTime().AddDays(1)) { return $null }
    return $day.ToString('yyyy-MM-dd', [Globalization.CultureInfo]::InvariantCulture)
}

# a finite, non-negative number, else $null (the server's num())
function Get-Number($Value) {
    if ($null -eq $Value -or $Value -is [bool]) { return $null }
    $d = 0.0
    if ($Value -is [string]) {
        if (-not [double]::TryParse($Value.Trim(), [Globalization.NumberStyles]::Float, [Globalization.CultureInfo]::InvariantCulture, [ref]$d)) { return $null }
    } else {
        try { $d = [double]$Value } catch { return $null }
    }
    if ([double]::IsNaN($d) -or [double]::IsInfinity($d) -or $d -lt 0) { return $null }
    return $d
}

# any MAC notation → aa:bb:cc:dd:ee:ff, else $null
function Get-Mac($Value) {
    if ($Value -isnot [string]) { return $null }
    $hex = ($Value.Trim().ToLowerInvariant() -replace '[:.\-]', '')
    if ($hex -notmatch '^[0-9a-f]{12}$') { return $null }
    return ($hex -replace '(..)(?!$)', '$1:')
}

# a member of a CIM or JSON object, or a key of a dictionary; $null when absent
function Get-Prop($Object, [string]$Name) {
    if ($null -eq $Object) { return $null }
    if ($Object -is [System.Collections.IDictionary]) { return $Object[$Name] }
    $p = $Object.PSObject.Properties[$Name]
    if ($p) { return $p.Value }
    return $null
}

# what ConvertTo-Json writes a one-element list as: the element itself; $null as nothing
function Get-List($Value) { if ($null -eq $Value) { return @() }; return @($Value) }

# an ordered map without the members that are $null (the server's JSON has no nulls)
function New-Object2([System.Collections.IDictionary]$Members) {
    $o = [ordered]@{}
    foreach ($k in $Members.Keys) { if ($null -ne $Members[$k]) { $o[$k] = $Members[$k] } }
    return $o
}

function Test-VirtualHardware([string[]]$Values) {
    foreach ($v in $Values) {
        if ($v -and $v -match '\b(VMware|VirtualBox|innotek|QEMU|KVM|Xen|HVM domU|Virtual Machine|Bochs|Parallels|Standard PC \(|Amazon EC2|Google Compute Engine|OpenStack|DigitalOcean|Hyper-V)\b') { return $true }
    }
    return $false
}

function ConvertTo-InventoryReport($Raw) {
    $cs = @(Get-List (Get-Prop $Raw 'cs'))[0]; $os = @(Get-List (Get-Prop $Raw 'os'))[0]; $bios = @(Get-List (Get-Prop $Raw 'bios'))[0]
    $os64 = ([string](Get-Prop $os 'OSArchitecture')) -match '64' -or $null -eq (Get-Prop $os 'OSArchitecture')

    # device type: a hypervisor's hardware, a server edition, else what the chassis says; a
    # whitebox PC's board says "To Be Filled By O.E.M." for vendor, model and serial
    $vendor = Get-Smbios (Get-Prop $cs 'Manufacturer') 128
    $model = Get-Smbios (Get-Prop $cs 'Model') 255
    $productType = Get-Number (Get-Prop $os 'ProductType')
    $pcTypes = @{ 1 = 'workstation'; 2 = 'laptop'; 3 = 'workstation'; 4 = 'server'; 5 = 'server'; 7 = 'server'; 8 = 'laptop' }
    $pcType = Get-Number (Get-Prop $cs 'PCSystemType'); if ($null -eq $pcType) { $pcType = 0 }
    if (Test-VirtualHardware @($vendor, $model)) { $type = 'virtual-machine' }
    elseif ($productType -eq 2 -or $productType -eq 3) { $type = 'server' }
    else { $type = $pcTypes[[int]$pcType] }

    # hardware: each processor, total memory, each disk that has a size (not an empty card reader)
    $hardware = New-Object System.Collections.ArrayList
    $cpuVendors = @{ GenuineIntel = 'Intel'; AuthenticAMD = 'AMD'; Qualcomm = 'Qualcomm' }
    foreach ($c in @(Get-List (Get-Prop $Raw 'cpu') | Select-Object -First 64)) {
        $vendorId = Get-Text (Get-Prop $c 'Manufacturer') 64
        $maker = if ($vendorId -and $cpuVendors.ContainsKey($vendorId)) { $cpuVendors[$vendorId] } else { $vendorId }
        $slot = Get-Text (Get-Prop $c 'DeviceID') 32
        if ($slot) { $slot = $slot -replace '^CPU(\d+)$', 'socket $1' }
        $cores = Get-Number (Get-Prop $c 'NumberOfCores'); $mhz = Get-Number (Get-Prop $c 'MaxClockSpeed')
        [void]$hardware.Add((New-Object2 ([ordered]@{
            kind = 'cpu'; name = Get-Text ((([string](Get-Prop $c 'Name')) -replace '\s+', ' ')) 255; manufacturer = $maker
            cores = $(if ($null -ne $cores) { [long]$cores }); speedMhz = $(if ($null -ne $mhz) { [long]$mhz }); slot = $slot
        })))
    }
    $memory = Get-Number (Get-Prop $cs 'TotalPhysicalMemory')
    if ($memory) { [void]$hardware.Add([ordered]@{ kind = 'memory'; name = 'total memory'; capacityBytes = [long]$memory }) }
    foreach ($d in @(Get-List (Get-Prop $Raw 'disk') | Select-Object -First 256)) {
        $size = Get-Number (Get-Prop $d 'Size')
        if (-not $size) { continue }
        $index = Get-Number (Get-Prop $d 'Index'); if ($null -eq $index) { $index = '?' }
        [void]$hardware.Add((New-Object2 ([ordered]@{
            kind = 'disk'; name = "disk $index"; model = Get-Text (Get-Prop $d 'Model') 255; serial = Get-Text (Get-Prop $d 'SerialNumber') 128; capacityBytes = [long]$size
        })))
    }
    $guid = Get-Text (Get-Prop $Raw 'machineGuid') 128
    if ($guid) { [void]$hardware.Add([ordered]@{ kind = 'other'; name = 'machine-id'; serial = $guid }) }

    # interfaces: the physical adapters, with their addresses from the matching configuration
    $configs = @{}
    foreach ($c in Get-List (Get-Prop $Raw 'ip')) { $configs[[string](Get-Number (Get-Prop $c 'Index'))] = $c }
    $interfaces = New-Object System.Collections.ArrayList
    foreach ($n in @(Get-List (Get-Prop $Raw 'nic') | Select-Object -First 4096)) {
        $index = Get-Number (Get-Prop $n 'Index')
        $config = $configs[[string]$index]
        $speed = Get-Number (Get-Prop $n 'Speed')
        $addresses = New-Object System.Collections.ArrayList
        foreach ($a in Get-List (Get-Prop $config 'IPAddress')) {
            $a = Get-Text $a 64
            if ($a -and $a -notmatch '^fe80:' -and $addresses.Count -lt 64) { [void]$addresses.Add($a) }
        }
        $name = Get-Text (Get-Prop $n 'NetConnectionID') 128
        if (-not $name) { $name = Get-Text (Get-Prop $n 'Name') 128 }
        if (-not $name) { $name = "adapter $(Get-Prop $n 'Index')" }
        [void]$interfaces.Add((New-Object2 ([ordered]@{
            name = $name; description = Get-Text (Get-Prop $n 'Name') 255
            ifIndex = $(if ($null -ne $index) { [long]$index }); mac = Get-Mac (Get-Prop $n 'MACAddress')
            # a disconnected adapter reports Int64.MaxValue
            speedMbps = $(if ($speed -and $speed -lt 1e13) { [long][Math]::Round($speed / 1e6, [MidpointRounding]::AwayFromZero) })
            operStatus = $(if ((Get-Prop $n 'NetEnabled') -eq $true) { 'up' } else { 'down' })
            addresses = $addresses
        })))
    }

    # software: both Uninstall hives, each name/version/architecture once
    $software = New-Object System.Collections.ArrayList
    $seen = @{}
    foreach ($e in Get-List (Get-Prop $Raw 'sw')) {
        $name = Get-Text (Get-Prop $e 'DisplayName') 255
        if (-not $name) { continue }
        $arch = if (([string](Get-Prop $e 'Hive')) -match 'WOW6432Node' -or -not $os64) { 'x86' } else { 'x64' }
        $version = Get-Text (Get-Prop $e 'DisplayVersion') 128
        $key = "$name`0$version`0$arch"
        if ($seen.ContainsKey($key)) { continue }
        $seen[$key] = $true
        [void]$software.Add((New-Object2 ([ordered]@{ name = $name; version = $version; publisher = Get-Text (Get-Prop $e 'Publisher') 255; architecture = $arch; installDate = Get-InstallDate (Get-Prop $e 'InstallDate') })))
        if ($software.Count -ge 20000) { break }
    }

    # identity: the DNS host name (its domain when joined), the BIOS serial, every adapter's MAC
    $hostText = Get-Text (Get-Prop $cs 'DNSHostName') 255
    if (-not $hostText) { $hostText = Get-Text (Get-Prop $cs 'Name') 255 }
    if (-not $hostText) { $hostText = Get-Text (Get-Prop $Raw 'hn') 255 }
    $hostname = $null; $fqdn = $null
    if ($hostText) { $hostText = Get-Text ($hostText -split "`n")[0] 255 }
    if ($hostText -and $hostText -match '^[A-Za-z0-9][A-Za-z0-9._-]*$') { $hostname = $hostText.Split('.')[0] }
    $domain = Get-Text (Get-Prop $cs 'Domain') 255
    if ((Get-Prop $cs 'PartOfDomain') -eq $true -and $hostname -and $domain -and $domain.Contains('.')) { $fqdn = "$hostname.$domain".ToLowerInvariant() }
    $macs = New-Object System.Collections.ArrayList
    $ips = New-Object System.Collections.ArrayList
    foreach ($i in $interfaces) {
        if ($i.Contains('mac') -and -not $macs.Contains($i.mac)) { [void]$macs.Add($i.mac) }
        foreach ($a in $i.addresses) { if (-not $a.Contains(':') -and -not $ips.Contains($a)) { [void]$ips.Add($a) } }
    }

    $report = [ordered]@{
        agent       = [ordered]@{ name = $AgentName; version = $AgentVersion }
        collectedAt = (Get-Date).ToUniversalTime().ToString('yyyy-MM-dd\THH:mm:ss\Z', [Globalization.CultureInfo]::InvariantCulture)
        # the MachineGuid in identity too: when WMI does not answer, hardware is left out, and the
        # report (no serial, no MACs) finds its device by host name and MachineGuid
        identity    = New-Object2 ([ordered]@{ hostname = $hostname; fqdn = $fqdn; serial = Get-Smbios (Get-Prop $bios 'SerialNumber') 128; macs = $macs; addresses = $ips; machineId = $guid })
        device      = New-Object2 ([ordered]@{
            type = $type; platform = 'windows'; osFamily = 'windows'; vendor = $vendor; model = $model
            osName = Get-Text (Get-Prop $os 'Caption') 255; osVersion = Get-Text (Get-Prop $os 'Version') 64
        })
    }
    # Win32_ComputerSystem and Win32_Processor always have an instance: without them WMI did not
    # answer (a corrupt repository, winmgmt stopped), and what it would have listed is unknown,
    # not none; empty lists would remove every processor, disk and adapter the PC has
    $wmi = @(Get-List (Get-Prop $Raw 'cs')).Count -gt 0 -and @(Get-List (Get-Prop $Raw 'cpu')).Count -gt 0
    if ($wmi) { $report.hardware = $hardware; $report.interfaces = $interfaces }
    if ($null -ne (Get-Prop $Raw 'sw')) { $report.software = $software }
    return $report
}

function ConvertTo-CompactJson($Value) {
    # Windows PowerShell 5.1 writes an array that carries PowerShell's extra type data as
    # {"value": [...], "Count": n}; without that type data it writes the array itself
    if ($PSVersionTable.PSVersion.Major -lt 6) { Remove-TypeData -TypeName System.Array -ErrorAction SilentlyContinue }
    return (ConvertTo-Json -InputObject $Value -Depth 8 -Compress)
}

$leftOut = $null
try {
    if ($opt.fromraw) { $raw = Get-Content -LiteralPath $opt.fromraw -Raw -Encoding UTF8 | ConvertFrom-Json }
    else { $raw = Get-RawInventory }
    if ($opt.saveraw) { [IO.File]::WriteAllText($opt.saveraw, (ConvertTo-CompactJson $raw), (New-Object Text.UTF8Encoding $false)) }
    $report = ConvertTo-InventoryReport $raw
    if (-not $report.Contains('hardware')) { $leftOut = 'hardware and interfaces (WMI did not answer)' }
    $json = ConvertTo-CompactJson $report
} catch {
    Stop-Agent $EX_COLLECT "could not collect the inventory: $($_.Exception.Message)"
}
# even with --quiet: a WMI that does not answer is worth an admin's look
if ($leftOut) { Write-AgentMessage "left out of this report, so that the server keeps what it knew: $leftOut" }

if ($dryRun) {
    [Console]::OutputEncoding = New-Object Text.UTF8Encoding $false
    [Console]::Out.WriteLine($json)
    exit $EX_OK
}

# --- sending --------------------------------------------------------------------------------
# HttpWebRequest, because it takes a per-request certificate check on both .NET Framework
# (PowerShell 5.1) and .NET (PowerShell 7), where Invoke-RestMethod has no --ca-file.
Add-Type -TypeDefinition @'
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
namespace TeknisiAgent {
    public static class Tls {
        public static X509Certificate2 Ca;
        public static readonly RemoteCertificateValidationCallback AcceptAll = delegate { return true; };
        // the chain must end at the given CA (and the name must match), whatever the machine's store says
        public static readonly RemoteCertificateValidationCallback TrustCa = delegate (object sender, X509Certificate cert, X509Chain chain, SslPolicyErrors errors) {
            if (errors == SslPolicyErrors.None) return true;
            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || cert == null || Ca == null) return false;
            X509Chain own = new X509Chain();
            own.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            own.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
            own.ChainPolicy.ExtraStore.Add(Ca);
            if (!own.Build(new X509Certificate2(cert))) return false;
            return own.ChainElements[own.ChainElements.Count - 1].Certificate.Thumbprint == Ca.Thumbprint;
        };
    }
}
'@

try { [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12 } catch { }

$url = $opt.server.TrimEnd('/')
if ($url -notmatch '/api/inventory/reports$') { $url = "$url/api/inventory/reports" }
$request = [Net.HttpWebRequest]::Create($url)
$request.Method = 'POST'
$request.ContentType = 'application/json; charset=utf-8'
$request.UserAgent = "$AgentName/$AgentVersion"
$request.Headers['Authorization'] = "Bearer $($opt.token)"
$request.Timeout = [int]$opt.timeout * 1000
$request.ReadWriteTimeout = [int]$opt.timeout * 1000
if ($flags.insecureskiptlsverify) { $request.ServerCertificateValidationCallback = [TeknisiAgent.Tls]::AcceptAll }
elseif ($opt.cafile) {
    try {
        $pem = [IO.File]::ReadAllText((Resolve-Path -LiteralPath $opt.cafile))
        $bytes = if ($pem -match '-----BEGIN CERTIFICATE-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END CERTIFICATE-----') { [Convert]::FromBase64String(($Matches[1] -replace '\s', '')) } else { [IO.File]::ReadAllBytes((Resolve-Path -LiteralPath $opt.cafile)) }
        [TeknisiAgent.Tls]::Ca = New-Object Security.Cryptography.X509Certificates.X509Certificate2 (, $bytes)
    } catch { Stop-Agent $EX_USAGE "cannot read a certificate from $($opt.cafile): $($_.Exception.Message)" }
    $request.ServerCertificateValidationCallback = [TeknisiAgent.Tls]::TrustCa
}

# the body as UTF-8 bytes: Windows PowerShell would otherwise send a string as ISO-8859-1
$body = (New-Object Text.UTF8Encoding $false).GetBytes($json)
$status = 0; $answer = ''
try {
    $request.ContentLength = $body.Length
    $stream = $request.GetRequestStream()
    $stream.Write($body, 0, $body.Length); $stream.Close()
    $response = $request.GetResponse()
} catch {
    $ex = $_.Exception
    while ($ex -and $ex -isnot [Net.WebException] -and $ex.InnerException) { $ex = $ex.InnerException }
    if ($ex -isnot [Net.WebException] -or -not $ex.Response) {
        $why = $_.Exception.Message
        if ($ex -is [Net.WebException] -and ($ex.Status -eq 'TrustFailure' -or $ex.Status -eq 'SecureChannelFailure')) {
            Stop-Agent $EX_TLS "the server's certificate at $url is not trusted: $why (use --ca-file with the CA that signed it)"
        }
        Stop-Agent $EX_UNREACHABLE "cannot reach ${url}: $why"
    }
    $response = $ex.Response
}
$status = [int]$response.StatusCode
$reader = New-Object IO.StreamReader ($response.GetResponseStream(), [Text.Encoding]::UTF8)
$answer = $reader.ReadToEnd(); $reader.Close(); $response.Close()
$message = $null
try { $message = ($answer | ConvertFrom-Json).message } catch { }
if (-not $message) { $message = $answer.Substring(0, [Math]::Min(200, $answer.Length)) }

switch ($status) {
    { $_ -eq 200 -or $_ -eq 201 } {
        if (-not $flags.quiet) { Write-Output "teknisi-agent: reported to $($opt.server): $answer" }
        if ($script:LogFile) { Write-AgentMessage "reported to $($opt.server): $answer" }
        exit $EX_OK
    }
    { $_ -eq 401 -or $_ -eq 403 } { Stop-Agent $EX_TOKEN "the server refused the token ($status): $message" }
    { $_ -eq 400 -or $_ -eq 413 -or $_ -eq 415 } { Stop-Agent $EX_REJECTED "the server refused the report ($status): $message" }
    429 { Stop-Agent $EX_RATE "too many reports for this token ($status): $message" }
    503 { Stop-Agent $EX_RATE "the server is busy ($status): $message" }
    default { Stop-Agent $EX_SERVER "the server answered ${status}: $message" }
}
