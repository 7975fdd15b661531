import qrcode
import qrcode.image.svg


def qr_svg(data: str, *, box_size: int = 10) -> str:
    """An inline SVG QR code (no external service), medium error correction."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=2)
    qr.add_data(data)
    qr.make(fit=True)
    image = qr.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")
