/** Saves bytes made in the page as a file, through a Blob URL (nothing leaves the browser). */
export function downloadBytes(bytes: Uint8Array, fileName: string, type: string): void {
  // Copy into a fresh ArrayBuffer: Blob wants ArrayBuffer-backed views, not SharedArrayBuffer.
  const url = URL.createObjectURL(new Blob([bytes.slice()], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke after the click has been handled; revoking at once can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
