"""The word lists of the synthetic bank: people's names, the county's places, trades and products.

Everything here is fictional but built the way real names are: the county (青禾县, of the
fictional prefecture-level city 丰源市) does not exist, its area code is well formed but
assigned to no real county, and the bank is 青禾农村商业银行. Lists are tuples so that their order,
and with it every draw a seed makes from them, never changes between runs.
"""

from __future__ import annotations

BANK_NAME = "青禾农村商业银行"
"""The synthetic bank: a county-level rural commercial bank (农商银行)."""

BANK_SHORT_NAME = "青禾农商银行"

COUNTY = "青禾县"
"""The fictional county the bank serves."""

CITY = "丰源市"
"""The fictional prefecture-level city the county belongs to."""

PROVINCE = "江西省"

COUNTY_AREA_CODE = "369921"
"""GB/T 2260-style administrative code of the county: province 36, a prefecture number (99)
that no real prefecture uses, county 21. Every resident identity number and unified social
credit code of the county starts with it (after the credit code's two category characters)."""

DEBIT_CARD_BIN = "623059"
"""Issuer identification number of the bank's UnionPay debit cards (fictional)."""

CREDIT_CARD_BIN = "625059"
"""Issuer identification number of the bank's UnionPay credit cards (fictional)."""

ACCOUNT_PREFIX = "8020"
"""First digits of the bank's non-card account numbers (corporate accounts, loans, products)."""

# (surname, weight): frequencies roughly as in the 2020 census rankings of Chinese surnames.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 7.1), ("李", 7.0), ("张", 6.8), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("黄", 2.3), ("赵", 2.2),
    ("吴", 2.0), ("周", 1.9), ("徐", 1.5), ("孙", 1.5), ("马", 1.4), ("朱", 1.3), ("胡", 1.3), ("郭", 1.2),
    ("何", 1.2), ("林", 1.1), ("高", 1.1), ("罗", 1.0), ("郑", 0.9), ("梁", 0.9), ("谢", 0.8), ("宋", 0.8),
    ("唐", 0.8), ("许", 0.7), ("韩", 0.7), ("冯", 0.7), ("邓", 0.7), ("曹", 0.6), ("彭", 0.6), ("曾", 0.6),
    ("肖", 0.6), ("田", 0.6), ("董", 0.5), ("袁", 0.5), ("潘", 0.5), ("于", 0.5), ("蒋", 0.5), ("蔡", 0.5),
    ("余", 0.5), ("杜", 0.5), ("叶", 0.5), ("程", 0.5), ("苏", 0.4), ("魏", 0.4), ("吕", 0.4), ("丁", 0.4),
    ("任", 0.4), ("沈", 0.4), ("姚", 0.4), ("卢", 0.4), ("姜", 0.3), ("崔", 0.3), ("钟", 0.3), ("谭", 0.3),
    ("陆", 0.3), ("汪", 0.3), ("范", 0.3), ("金", 0.3), ("石", 0.3), ("廖", 0.3), ("贾", 0.3), ("夏", 0.3),
    ("韦", 0.3), ("付", 0.3), ("方", 0.3), ("白", 0.3), ("邹", 0.3), ("孟", 0.3), ("熊", 0.3), ("秦", 0.3),
    ("邱", 0.3), ("江", 0.3), ("尹", 0.3), ("薛", 0.2), ("闫", 0.2), ("段", 0.2), ("雷", 0.2), ("侯", 0.2),
    ("龙", 0.2), ("史", 0.2), ("陶", 0.2), ("黎", 0.2), ("贺", 0.2), ("顾", 0.2), ("毛", 0.2), ("郝", 0.2),
    ("龚", 0.2), ("邵", 0.2), ("万", 0.2), ("钱", 0.2), ("严", 0.2), ("武", 0.2), ("戴", 0.2), ("孔", 0.2),
    ("向", 0.2), ("汤", 0.2), ("欧阳", 0.05), ("司马", 0.01),
)

# Given names are one or two characters; the characters in fashion changed with the decades,
# so people born before 1985 draw from the "classic" lists and younger people from the
# "modern" ones.
MALE_GIVEN_CLASSIC_FIRST = tuple("建志国海金春永德文宏长新振立红庆家和明光学世福兴天玉")
MALE_GIVEN_CLASSIC_SECOND = tuple("华明军平林强东伟峰斌成生荣良兵福勇辉涛杰刚民忠贵发祥清")
FEMALE_GIVEN_CLASSIC_FIRST = tuple("秀丽美春玉海桂金红雪淑冬凤翠兰彩月素爱小")
FEMALE_GIVEN_CLASSIC_SECOND = tuple("英兰芳华梅珍霞萍娟红燕琴玲莲凤菊香云花娥")
MALE_GIVEN_MODERN_FIRST = tuple("浩子俊宇家晨梓嘉博思一明鑫文天皓睿泽铭佳")
MALE_GIVEN_MODERN_SECOND = tuple("宇轩然辰航杰豪博阳涛鹏飞磊瑞诚泽哲凯睿煜")
FEMALE_GIVEN_MODERN_FIRST = tuple("欣雨子梓诗佳思雅语可一若心晓婉紫梦怡静书")
FEMALE_GIVEN_MODERN_SECOND = tuple("怡涵萱琪彤妍婷雯瑶颖晴悦琳洁娜倩蕾菲茜宁")
MALE_GIVEN_SINGLE = tuple("伟强军勇磊涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林杰")
FEMALE_GIVEN_SINGLE = tuple("芳娜敏静丽艳娟霞燕玲婷雪琳倩颖慧洁萍红梅")

# (township, relative number of customers): the county seat 城关镇 is the largest.
TOWNSHIPS: tuple[tuple[str, float], ...] = (
    ("城关镇", 4.0), ("石桥镇", 1.4), ("柳河镇", 1.2), ("白沙镇", 1.1), ("龙泉镇", 1.3), ("新集镇", 1.0),
    ("河口镇", 1.2), ("双河镇", 0.9), ("高桥镇", 1.0), ("马坊镇", 0.8), ("永安镇", 1.1), ("古城镇", 0.9),
    ("清水镇", 0.8), ("金山镇", 1.0), ("王家集镇", 0.9), ("黄土岗镇", 0.7), ("杨庄乡", 0.7), ("桃源乡", 0.6),
    ("青山乡", 0.6), ("长岭乡", 0.5), ("梅林乡", 0.6), ("石门乡", 0.5), ("太平乡", 0.6), ("三里店乡", 0.5),
    ("花园乡", 0.5), ("大营乡", 0.6), ("李庄乡", 0.5), ("兴隆乡", 0.5), ("和平乡", 0.4), ("东岳乡", 0.4),
)
"""Townships (镇/乡) of 青禾县. The bank has an outlet in each of the first n of them."""

COUNTY_SEAT = "城关镇"

# Village names: a township's villages are a fixed slice of this list (see villages_of).
VILLAGES: tuple[str, ...] = (
    "张庄村", "李家湾村", "王岗村", "陈家畈村", "刘楼村", "赵店村", "前进村", "红星村", "新华村", "光明村",
    "胜利村", "团结村", "东风村", "大塘村", "小河村", "枫树村", "桥头村", "杨柳村", "黄泥岗村", "竹林村",
    "石岭村", "塘坊村", "三合村", "五一村", "长冲村", "大屋村", "新塘村", "柏树村", "花桥村", "油坊村",
    "周家湾村", "吴庄村", "孙岗村", "徐楼村", "胡家畈村", "朱店村", "高庄村", "林场村", "罗家冲村", "郑集村",
    "梁家圩村", "谢坊村", "宋庄村", "唐家岭村", "许家湾村", "韩集村", "冯岗村", "邓家冲村", "曹庄村", "彭家塆村",
    "曾家坪村", "肖岗村", "田湾村", "董家圩村", "袁庄村", "潘家畈村", "余家岭村", "杜集村", "叶家湾村", "程庄村",
    "凤凰村", "白果村", "双塘村", "杏花村", "荷塘村", "龙井村", "青石村", "马鞍山村", "金鸡村", "卧龙村",
)

VILLAGES_PER_TOWNSHIP = 9


def villages_of(township_index: int) -> tuple[str, ...]:
    """The villages (村) of the township at ``township_index`` in ``TOWNSHIPS``.

    Fixed by the index alone (a stride through ``VILLAGES``), so the county's map is the same
    for every seed; neighbouring townships share no village.
    """
    start = (township_index * 7) % len(VILLAGES)
    return tuple(VILLAGES[(start + k) % len(VILLAGES)] for k in range(VILLAGES_PER_TOWNSHIP))


STREETS: tuple[str, ...] = (
    "人民路", "解放路", "建设路", "文化路", "中山路", "胜利街", "新华街", "府前路", "青禾大道", "滨河路",
    "东环路", "西环路", "育才路", "商贸街", "南门街", "北关街", "朝阳路", "迎宾大道", "和平路", "光明街",
)
"""Streets of the county seat; township centres use the first few (老街, 新街 ... below)."""

TOWNSHIP_STREETS: tuple[str, ...] = ("老街", "新街", "中心街", "正街", "农贸街", "车站路", "学校路", "集镇大道")

INDUSTRIAL_PARK = "青禾县经济开发区"
INDUSTRIAL_PARK_ROADS: tuple[str, ...] = ("工业大道", "创业路", "科技路", "兴业路", "园区大道", "富民路")

RESIDENTIAL_COMPOUNDS: tuple[str, ...] = (
    "青禾花园", "阳光小区", "滨河苑", "锦绣家园", "幸福里", "府前小区", "教师新村", "金色家园", "江南名居", "翠湖小区",
)

TRADE_NAMES: tuple[str, ...] = (
    "鑫源", "宏达", "恒通", "华丰", "金诚", "永盛", "瑞丰", "兴旺", "丰泰", "隆昌", "正大", "天成", "福源", "佳和",
    "润发", "新锐", "富民", "绿源", "青禾", "盛世", "鼎盛", "祥瑞", "恒丰", "嘉禾", "博远", "锦程", "诚信", "众鑫",
    "万家", "德昌", "金穗", "丰收", "康达", "利民", "顺达", "通达", "昌盛", "亿佳", "宝丰", "汇源", "振兴", "腾飞",
    "合力", "长青", "泰和", "广源", "旺达", "龙腾", "聚丰", "益民", "金桥", "华美", "新兴", "永兴", "科达", "宏昌",
    "裕丰", "安泰", "东升", "四方",
)
"""字号: the distinctive part of an enterprise or shop name."""

# GB/T 4754 section -> industry words of enterprise names (the part before 有限公司).
ENTERPRISE_INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "A": ("农业开发", "生态农业", "农牧", "茶业", "果业", "水产养殖", "种养殖", "苗木"),
    "B": ("矿业", "石材", "砂石"),
    "C": ("食品", "米业", "纺织", "服装", "机械制造", "建材", "木业", "塑料制品", "竹木制品", "电子", "五金制品", "包装", "油脂", "酒业"),
    "D": ("新能源", "水务", "光伏电力"),
    "E": ("建筑工程", "建设工程", "装饰工程", "市政工程", "水利工程"),
    "F": ("商贸", "贸易", "农资", "超市", "粮油", "建材销售", "汽车销售", "物资", "医药"),
    "G": ("物流", "运输", "客运"),
    "H": ("酒店管理", "餐饮管理", "宾馆"),
    "I": ("网络科技", "信息技术"),
    "K": ("房地产开发", "置业", "物业管理"),
    "L": ("劳务", "广告", "机械租赁", "人力资源"),
    "O": ("家政服务", "汽车维修"),
    "P": ("教育咨询", "职业培训"),
    "Q": ("医院", "健康管理"),
}

# (section, share among enterprises) and (section, share among sole proprietors).
ENTERPRISE_SECTIONS: tuple[tuple[str, float], ...] = (
    ("C", 0.26), ("F", 0.24), ("E", 0.12), ("A", 0.10), ("G", 0.06), ("H", 0.04), ("K", 0.03), ("L", 0.04),
    ("D", 0.02), ("B", 0.02), ("I", 0.02), ("O", 0.02), ("P", 0.015), ("Q", 0.015),
)
SOLE_PROPRIETOR_SECTIONS: tuple[tuple[str, float], ...] = (
    ("F", 0.45), ("H", 0.18), ("O", 0.12), ("A", 0.10), ("G", 0.06), ("C", 0.06), ("Q", 0.02), ("P", 0.01),
)

# GB/T 4754 section -> shop words of sole proprietors' names (个体工商户).
SHOP_WORDS: dict[str, tuple[str, ...]] = {
    "A": ("家庭农场", "养殖场", "种植园", "蔬菜基地"),
    "C": ("粮油加工坊", "豆腐坊", "木器加工厂", "服装加工厂", "五金加工部"),
    "F": ("便利店", "超市", "五金店", "农资店", "建材经营部", "服装店", "手机店", "粮油店", "副食店", "烟酒店", "药店", "家电商行"),
    "G": ("货运部", "物流代办点", "运输队"),
    "H": ("面馆", "饭店", "小吃店", "农家乐", "早餐店", "土菜馆"),
    "O": ("汽车修理厂", "理发店", "家电维修部", "洗车店", "摩托车修理部", "美容店"),
    "P": ("培训部", "托管中心"),
    "Q": ("诊所", "中医馆"),
}

# Farm types: (occupation, share of farmer households, sales by month (Jan..Dec, relative),
# sales a year, farm inputs bought by month (Jan..Dec, relative), line of the household
# statement the income goes to). Harvests make the income seasonal: rice in July and
# October-November, tea in spring, citrus in winter, pigs before the Spring Festival.
FARM_TYPES: tuple[tuple[str, float, tuple[float, ...], int, tuple[float, ...], str], ...] = (
    ("水稻种植", 0.30, (0, 0, 0, 0, 0, 0, 3, 1, 0, 3, 3, 0), 4, (0, 0, 3, 3, 1, 2, 1, 0, 0, 0, 0, 0), "crop_income"),
    ("油菜种植", 0.06, (0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0), 2, (0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 0, 0), "crop_income"),
    ("茶叶种植", 0.08, (0, 0, 1, 4, 4, 1, 0, 0, 1, 0, 0, 0), 10, (0, 2, 2, 0, 0, 0, 0, 0, 0, 1, 1, 0), "crop_income"),
    ("柑橘种植", 0.08, (2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 4, 3), 6, (0, 0, 2, 1, 1, 1, 0, 0, 0, 0, 0, 0), "crop_income"),
    ("蔬菜种植", 0.14, (1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 1), 24, (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), "crop_income"),
    ("生猪养殖", 0.14, (3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3), 10, (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), "livestock_income"),
    ("家禽养殖", 0.08, (2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2), 14, (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), "livestock_income"),
    ("水产养殖", 0.07, (2, 0, 0, 0, 0, 0, 0, 0, 2, 3, 3, 3), 6, (0, 0, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0), "livestock_income"),
    ("中药材种植", 0.03, (0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 1), 3, (0, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0), "crop_income"),
    ("苗木种植", 0.02, (0, 0, 3, 2, 0, 0, 0, 0, 0, 0, 2, 1), 4, (0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0), "crop_income"),
)

# (occupation, share of individuals, paid a monthly salary)
OCCUPATIONS: tuple[tuple[str, float, bool], ...] = (
    ("公务员", 0.06, True), ("教师", 0.08, True), ("医生", 0.03, True), ("护士", 0.03, True),
    ("企业职工", 0.22, True), ("职员", 0.10, True), ("司机", 0.05, True), ("销售人员", 0.05, True),
    ("进城务工", 0.12, False), ("自由职业", 0.06, False), ("退休", 0.20, False),
)

EXTERNAL_EMPLOYERS: tuple[str, ...] = (
    "青禾县人民医院", "青禾县中医院", "青禾县第一中学", "青禾县第二中学", "青禾县实验小学", "青禾县职业中学",
    "青禾县人民政府办公室", "青禾县公安局", "青禾县财政局", "青禾县农业农村局", "青禾县住房和城乡建设局",
    "青禾县市场监督管理局", "国网青禾县供电公司", "中国移动通信集团江西有限公司青禾分公司", "青禾县自来水公司",
    "青禾县疾病预防控制中心", "青禾县城市管理局", "青禾县交通运输局", "青禾县妇幼保健院", "青禾县教育体育局",
)
"""Employers outside the bank's book who pay salaries into customers' accounts."""

OTHER_BANKS: tuple[str, ...] = (
    "中国农业银行青禾县支行", "中国工商银行青禾县支行", "中国建设银行青禾县支行", "中国银行青禾县支行",
    "中国邮政储蓄银行青禾县支行", "丰源银行青禾支行", "青禾恒丰村镇银行",
)
"""Other banks in the county: where drifting customers move their money and salaries."""

DISTANT_BANKS: tuple[str, ...] = (
    "中国工商银行杭州分行", "中国建设银行深圳分行", "招商银行上海分行", "中国农业银行东莞分行", "中国银行宁波分行",
    "中国邮政储蓄银行温州分行", "兴业银行厦门分行", "交通银行苏州分行",
)
"""Banks of the cities where the county's migrant workers earn the money they send home."""

OTHER_BANK_CARD_BINS: tuple[str, ...] = ("622848", "621700", "622202", "621799", "622588", "621483", "622908", "622262")

GOVERNMENT_PAYEES: dict[str, str] = {
    "tax": "国家税务总局青禾县税务局",
    "power": "国网青禾县供电公司",
    "water": "青禾县自来水公司",
    "gas": "青禾县燃气有限公司",
    "telecom": "中国移动通信集团江西有限公司青禾分公司",
    "pension": "青禾县社会保险事业管理局",
    "subsidy": "青禾县财政局",
    "insurer": "中国人寿保险股份有限公司青禾县支公司",
    "property_insurer": "中国人民财产保险股份有限公司青禾支公司",
    "wechat": "财付通支付科技有限公司",
    "alipay": "支付宝（中国）网络技术有限公司",
    "pos": "银联商务股份有限公司江西分公司",
}
"""Payees that appear on many customers' statements: tax, utilities, insurers, payment platforms."""

PRODUCE_BUYERS: tuple[str, ...] = (
    "青禾县粮油购销有限公司", "丰源市金穗米业有限公司", "青禾县茶叶专业合作社", "青禾县果蔬专业合作社",
    "丰源市双汇生猪收购站", "青禾县禽业协会收购点", "青禾县水产品批发市场", "丰源市农产品批发市场",
    "青禾县中药材专业合作社", "青禾县供销合作社", "江西绿野农产品有限公司", "丰源市鲜活冷链物流有限公司",
)
FARM_SUPPLIERS: tuple[str, ...] = (
    "青禾县农资有限公司", "青禾县种子公司", "丰源市化肥经营部", "青禾县农机销售服务中心", "青禾县饲料经营部",
    "丰源市正邦饲料有限公司", "青禾县兽药经营部", "青禾县植保服务站",
)
PROPERTY_DEVELOPERS: tuple[str, ...] = (
    "青禾县锦绣置业有限公司", "丰源市华府房地产开发有限公司", "青禾县滨河房地产开发有限公司", "青禾县阳光置业有限公司",
)

# Products of the catalogue: (code, family, Chinese name, English name, for individuals and
# households, for enterprises and sole proprietors).
PRODUCTS: tuple[tuple[str, str, str, str, bool, bool], ...] = (
    ("DP01", "deposit", "丰收借记卡活期储蓄", "Fengshou debit card savings account", True, False),
    ("DP02", "deposit", "整存整取定期储蓄", "Personal time deposit", True, False),
    ("DP03", "deposit", "个人大额存单", "Personal large certificate of deposit", True, False),
    ("DP11", "deposit", "单位活期存款（基本存款账户）", "Corporate current account (basic account)", False, True),
    ("DP12", "deposit", "单位定期存款", "Corporate time deposit", False, True),
    ("LN01", "loan", "农户小额信用贷款", "Farmer microcredit loan (unsecured)", True, False),
    ("LN02", "loan", "农户联保贷款", "Farmer joint-guarantee loan", True, False),
    ("LN03", "loan", "个人住房按揭贷款", "Residential mortgage loan", True, False),
    ("LN04", "loan", "个人消费贷款", "Personal consumer loan", True, False),
    ("LN05", "loan", "个人经营性贷款", "Personal business loan", True, True),
    ("LN11", "loan", "流动资金贷款", "Working capital loan", False, True),
    ("LN12", "loan", "固定资产贷款", "Fixed asset loan", False, True),
    ("BA01", "acceptance_bill", "银行承兑汇票", "Bank acceptance bill", False, True),
    ("BD01", "bill_discount", "银行承兑汇票贴现", "Discount of bank acceptance bills", False, True),
    ("CC01", "credit_card", "丰收信用卡", "Fengshou credit card", True, False),
    ("PA01", "payroll_agency", "代发工资", "Payroll agency", False, True),
    ("WM01", "wealth", "丰收理财·稳盈90天", "Fengshou Steady 90-day wealth product", True, True),
    ("WM02", "wealth", "丰收理财·季季红", "Fengshou Quarterly wealth product", True, True),
    ("ST01", "settlement", "POS收单服务", "POS acquiring", False, True),
    ("ST02", "settlement", "聚合支付收款码", "Aggregated QR-code collection", False, True),
    ("EB01", "e_banking", "个人手机银行", "Personal mobile banking", True, False),
    ("EB11", "e_banking", "企业网上银行", "Corporate internet banking", False, True),
    ("IA01", "insurance_agency", "代理保险", "Insurance agency", True, True),
)

INTERACTION_SUMMARIES: dict[str, tuple[str, ...]] = {
    "visit_marketing": (
        "上门走访，介绍手机银行和聚合收款码，客户有意向开通。",
        "走访客户，推荐大额存单和稳盈理财，客户表示考虑后答复。",
        "入户走访，宣传农户小额信用贷款政策，登记客户用款需求。",
        "走访经营场所，了解资金结算情况，推荐我行POS收单服务。",
        "走访企业，沟通代发工资业务，企业财务表示下月起试点。",
    ),
    "visit_service": (
        "上门为客户办理社保卡激活，顺带核实联系方式。",
        "走访老客户，了解家庭近况，核对预留手机号码和地址。",
        "上门协助客户完成身份证件到期更新。",
        "走访客户，解答定期存款到期转存问题。",
    ),
    "visit_credit": (
        "贷后检查：实地查看生产经营情况，经营正常，贷款用途与合同约定一致。",
        "贷前调查：实地查看经营场所和存货，核实收入来源，采集家庭资产负债情况。",
        "贷后检查：走访保证人，保证人经营情况正常，担保能力未见明显变化。",
        "贷前调查：查看种养殖规模，与村委了解客户信用口碑良好。",
    ),
    "call_service": (
        "电话回访，客户对柜面服务满意。",
        "电话提醒客户定期存款即将到期。",
        "电话提醒客户按时归还本期贷款本息。",
        "电话通知客户身份证件即将到期，请带证件到网点更新。",
    ),
    "call_marketing": (
        "电话推荐季季红理财产品，客户暂无意向。",
        "电话邀请客户参加网点理财沙龙。",
        "电话联系客户，介绍信用卡分期优惠活动。",
    ),
    "meeting_credit": (
        "参加贷审会，汇报客户授信方案。",
        "与客户财务负责人座谈，收集近三年财务报表。",
        "与客户商谈续贷安排及担保方式。",
    ),
    "meeting_back_office": (
        "整理客户档案，补录授信资料影像。",
        "汇总本季度管户客户存贷款变动情况，填报报表。",
        "整理年度评级资料，核对财务报表数据。",
    ),
    "deteriorating": (
        "贷后检查：客户反映销售回款放缓，资金周转紧张，已提示按期还款。",
        "电话催收：本期贷款本息未按时归还，客户称近期资金紧张，承诺月底前归还。",
        "贷后检查：经营场所存货明显减少，客户表示订单下滑，需关注。",
        "走访保证人，告知借款人逾期情况，保证人表示将督促还款。",
    ),
    "drifting": (
        "电话回访：客户表示工资已改由他行代发。",
        "走访客户，客户反映他行理财收益更高，已将部分存款转出。",
        "客户来电咨询销户手续，已了解原因并尝试挽留。",
    ),
}
"""Chinese summaries of interactions by kind and kind of work, and the notes an account manager
writes about a customer who is deteriorating or drifting away."""

DOCUMENT_TITLES: dict[str, str] = {
    "business_licence": "营业执照",
    "identity_card": "居民身份证",
    "articles": "公司章程",
    "financial_statement": "财务报表",
    "property_certificate": "不动产权证书",
    "land_contract": "农村土地承包经营权证",
    "marriage_certificate": "结婚证",
    "insurance_policy": "抵押物财产保险单",
    "other": "其他资料",
}
"""Titles of documents on file, by rmdesk.desk.models.DocumentKind."""

HANDOVER_REASONS: tuple[str, ...] = ("客户经理岗位调整", "客户经理离职移交", "网格化管户调整", "支行客户结构调整")

LOAN_PURPOSES: dict[str, tuple[str, ...]] = {
    "LN01": ("购买化肥种子", "扩大种植规模", "购买仔猪饲料", "购置农机具"),
    "LN02": ("扩大养殖规模", "流转土地种植", "购买农资"),
    "LN03": ("购买自住住房",),
    "LN04": ("装修自住住房", "购买家用汽车", "子女教育支出", "购买家电家具"),
    "LN05": ("店面装修及进货", "补充经营周转资金", "购置经营设备"),
    "LN11": ("采购原材料", "补充流动资金", "支付货款"),
    "LN12": ("新建厂房", "购置生产设备", "技术改造"),
}
"""Uses of funds written on loan contracts, by product code."""
